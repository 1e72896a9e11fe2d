/* tests/install/example.c: a program built against the installed libnnderive
 * (tests/install/run.sh): derives the autoencoder's gradient and checks
 * an answer through the public interface only. */
#include <stdio.h>
#include <string.h>

#include <nnderive.h>

static const char program[] =
    "W : matrix(m, n)\nx : vector(n)\nr = W'*W*x - x\nL = 0.5*norm2(r)\nwrt W\n";

int main(void)
{
    nd_session *s = nd_open("example", program, strlen(program), NULL);
    char *text = NULL, *verdict = NULL;
    int ok = nd_status(s) == 0 && nd_emit(s, ND_TEXT, NULL, &text) == 0 &&
             strstr(text, "dL/dW = ") != NULL &&
             nd_check(s, "W*(x*r' + r*x')", &verdict) == 0;
    printf("%s%s", text ? text : "", verdict ? verdict : "");
    nd_free(text);
    nd_free(verdict);
    nd_close(s);
    const char *bad = "L = (x";
    s = nd_open("bad.nd", bad, strlen(bad), NULL);
    nd_position pos;
    ok = ok && nd_status(s) == 2 && nd_first_error(s, &pos) && pos.line == 1;
    nd_close(s);
    printf("%s, libnnderive %s\n", ok ? "ok" : "FAILED", nd_version());
    return ok ? 0 : 1;
}
