#include "helpers.h"
Suite *suite_examples(void)
{
    return suite_create("examples");
}
