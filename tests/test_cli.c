#include "helpers.h"
Suite *suite_cli(void)
{
    return suite_create("cli");
}
