/* ae_hand_copy.c: ae_hand compiled a second time, into its own object, as
 * the control of the benchmark: the same source at another address.  Its
 * ratio to hand-C is the share of a difference that comes from where the
 * loops land in memory, not from the code (see bench/RESULTS.md). */
#define ae_hand ae_hand_copy
#include "ae_hand.c"
