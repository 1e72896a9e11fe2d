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
    n74 [label="*\nn x n"];
    n3 -> n74 [label="1"];
    k74_1 [label="eye(n)", shape=plaintext];
    k74_1 -> n74 [label="2"];
    n82 [label=".^\nm x 1"];
    n5 -> n82 [label="1"];
    k82_1 [label="2", shape=plaintext];
    k82_1 -> n82 [label="2"];
    n83 [label="*\nm x 1"];
    k83_0 [label="-1", shape=plaintext];
    k83_0 -> n83 [label="1"];
    n82 -> n83 [label="2"];
    n84 [label="+\nm x 1"];
    n5 -> n84;
    n83 -> n84;
    n85 [label="diag\nm x m"];
    n84 -> n85;
    n86 [label="*\nn x n"];
    n37 -> n86 [label="1"];
    n85 -> n86 [label="2"];
    n0 -> n86 [label="3"];
    n87 [label="+\nn x n"];
    n74 -> n87;
    n86 -> n87;
    h0 [label="d2L/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n87 -> h0;
    h1 [label="d2L/dx dlam\nn x 1", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n1 -> h1;
    h2 [label="d2L/dlam2", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    h2_0 [label="0", shape=plaintext];
    h2_0 -> h2;
}
--- stderr
