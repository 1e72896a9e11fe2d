# --dot --jacobian: the graph of the Jacobian
args: examples/hessian/softmax.nd --jacobian --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="s: Jacobian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="z\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n1 [label="s = softmax\nn x 1", style=filled, fillcolor="#fff2cc"];
    n0 -> n1;
    n2 [label="transpose\n1 x n"];
    n1 -> n2;
    n4 [label="diag\nn x n"];
    n1 -> n4;
    n6 [label="*\nn x n"];
    k6_0 [label="-1", shape=plaintext];
    k6_0 -> n6 [label="1"];
    n1 -> n6 [label="2"];
    n2 -> n6 [label="3"];
    n7 [label="+\nn x n"];
    n4 -> n7;
    n6 -> n7;
    h0 [label="ds/dz\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n7 -> h0;
}
--- stderr
