# --dot --hessian with two variables: a box per block
args: examples/hessian/logreg.nd --hessian --dot --wrt x,lam
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="L: Hessian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="A\nm x n", shape=box];
    n1 [label="x\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n3 [label="lam", shape=box, style=filled, fillcolor="#cfe2f3"];
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
    n85 [label=".^\nm x 1"];
    n5 -> n85 [label="1"];
    k85_1 [label="2", shape=plaintext];
    k85_1 -> n85 [label="2"];
    n86 [label="*\nm x 1"];
    k86_0 [label="-1", shape=plaintext];
    k86_0 -> n86 [label="1"];
    n85 -> n86 [label="2"];
    n87 [label="+\nm x 1"];
    n5 -> n87;
    n86 -> n87;
    n88 [label="diag\nm x m"];
    n87 -> n88;
    n89 [label="*\nn x n"];
    n37 -> n89 [label="1"];
    n88 -> n89 [label="2"];
    n0 -> n89 [label="3"];
    n90 [label="+\nn x n"];
    n77 -> n90;
    n89 -> n90;
    h0 [label="d2L/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n90 -> h0;
    h1 [label="d2L/dx dlam\nn x 1", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n1 -> h1;
    h2 [label="d2L/dlam2", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    h2_0 [label="0", shape=plaintext];
    h2_0 -> h2;
}
--- stderr
