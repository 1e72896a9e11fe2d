#include "helpers.h"
Suite *suite_simplify(void)
{
    return suite_create("simplify");
}
