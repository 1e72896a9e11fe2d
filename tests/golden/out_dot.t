# --dot: the forward graph (format; tests/test_dot.c reads it back)
args: examples/autoencoder.nd --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="L: forward", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="W\nm x n", shape=box, style=filled, fillcolor="#cfe2f3"];
    n1 [label="x\nn x 1", shape=box];
    n2 [label="transpose\nn x m"];
    n0 -> n2;
    n4 [label="*\nn x 1"];
    n2 -> n4 [label="1"];
    n0 -> n4 [label="2"];
    n1 -> n4 [label="3"];
    n6 [label="*\nn x 1"];
    k6_0 [label="-1", shape=plaintext];
    k6_0 -> n6 [label="1"];
    n1 -> n6 [label="2"];
    n7 [label="r = +\nn x 1", style=filled, fillcolor="#fff2cc"];
    n4 -> n7;
    n6 -> n7;
    n9 [label="norm2"];
    n7 -> n9;
    n10 [label="L = *", style=filled, fillcolor="#fff2cc", peripheries=2];
    k10_0 [label="0.5", shape=plaintext];
    k10_0 -> n10 [label="1"];
    n9 -> n10 [label="2"];
}
--- stderr
