#include "helpers.h"
Suite *suite_parse(void)
{
    return suite_create("parse");
}
