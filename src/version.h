/* version.h: the version, in this one place (the Makefile reads it too;
 * nd_version() returns it, the generated code names it). */
#ifndef ND_VERSION_H
#define ND_VERSION_H

#define ND_VERSION "0.1.0"

#endif
