# --dot --hessian: the graph of the Hessian's blocks
args: examples/hessian/logreg.nd --hessian --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="L: Hessian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="A\nm x n", shape=box];
    n1 [label="x\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n3 [label="lam", shape=box];
    n4 [label="*\nm x 1"];
    n0 -> n4 [label="1"];
    n1 -> n4 [label="2"];
    n5 [label="s = sigmoid\nm x 1", style=filled, fillcolor="#fff2cc"];
    n4 -> n5;
    n37 [label="transpose\nn x m"];
    n0 -> n37;
    n77 [label="*\nn x n"];
    n3 -> n77 [label="1"];
    k77_1 [label="eye(n)", shape=plaintext];
    k77_1 -> n77 [label="2"];
    n83 [label=".^\nm x 1"];
    n5 -> n83 [label="1"];
    k83_1 [label="2", shape=plaintext];
    k83_1 -> n83 [label="2"];
    n84 [label="*\nm x 1"];
    k84_0 [label="-1", shape=plaintext];
    k84_0 -> n84 [label="1"];
    n83 -> n84 [label="2"];
    n85 [label="+\nm x 1"];
    n5 -> n85;
    n84 -> n85;
    n86 [label="diag\nm x m"];
    n85 -> n86;
    n87 [label="*\nn x n"];
    n37 -> n87 [label="1"];
    n86 -> n87 [label="2"];
    n0 -> n87 [label="3"];
    n88 [label="+\nn x n"];
    n77 -> n88;
    n87 -> n88;
    h0 [label="d2L/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n88 -> h0;
}
--- stderr
