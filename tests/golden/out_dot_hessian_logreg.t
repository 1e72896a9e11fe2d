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
    n74 [label="*\nn x n"];
    n3 -> n74 [label="1"];
    k74_1 [label="eye(n)", shape=plaintext];
    k74_1 -> n74 [label="2"];
    n80 [label=".^\nm x 1"];
    n5 -> n80 [label="1"];
    k80_1 [label="2", shape=plaintext];
    k80_1 -> n80 [label="2"];
    n81 [label="*\nm x 1"];
    k81_0 [label="-1", shape=plaintext];
    k81_0 -> n81 [label="1"];
    n80 -> n81 [label="2"];
    n82 [label="+\nm x 1"];
    n5 -> n82;
    n81 -> n82;
    n83 [label="diag\nm x m"];
    n82 -> n83;
    n84 [label="*\nn x n"];
    n37 -> n84 [label="1"];
    n83 -> n84 [label="2"];
    n0 -> n84 [label="3"];
    n85 [label="+\nn x n"];
    n74 -> n85;
    n84 -> n85;
    h0 [label="d2L/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n85 -> h0;
}
--- stderr
