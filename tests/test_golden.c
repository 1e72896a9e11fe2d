#include "helpers.h"
Suite *suite_golden(void)
{
    return suite_create("golden");
}
