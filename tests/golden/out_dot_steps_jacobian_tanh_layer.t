# --dot --steps --jacobian
args: examples/hessian/tanh_layer.nd --jacobian --dot --steps
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="h: Jacobian and its steps", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    subgraph cluster_blocks {
        label="Jacobian";
        n0 [label="W\nm x n", shape=box];
        n1 [label="x\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
        n2 [label="b\nm x 1", shape=box];
        n3 [label="*\nm x 1"];
        n0 -> n3 [label="1"];
        n1 -> n3 [label="2"];
        n4 [label="+\nm x 1"];
        n3 -> n4;
        n2 -> n4;
        n5 [label="h = tanh\nm x 1", style=filled, fillcolor="#fff2cc"];
        n4 -> n5;
        n7 [label=".^\nm x 1"];
        n5 -> n7 [label="1"];
        k7_1 [label="2", shape=plaintext];
        k7_1 -> n7 [label="2"];
        n9 [label="broadcast\nm x 1"];
        k9_0 [label="1", shape=plaintext];
        k9_0 -> n9;
        n11 [label="*\nm x 1"];
        k11_0 [label="-1", shape=plaintext];
        k11_0 -> n11 [label="1"];
        n7 -> n11 [label="2"];
        n12 [label="+\nm x 1"];
        n9 -> n12;
        n11 -> n12;
        n14 [label="diag\nm x m"];
        n12 -> n14;
        n15 [label="*\nm x n"];
        n14 -> n15 [label="1"];
        n0 -> n15 [label="2"];
        h0 [label="dh/dx\nm x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
        n15 -> h0;
    }
    subgraph cluster_steps {
        label="steps";
        s0 [label="dh/dx = diag(1 - h.^2)*W", shape=box, style="rounded,filled", fillcolor="#cfe2f3"];
        n0 -> s0 [style=dashed, color=gray50, constraint=false];
        n5 -> s0 [style=dashed, color=gray50, constraint=false];
    }
}
--- stderr
