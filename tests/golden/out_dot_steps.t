# --dot --steps: the forward and the backward graph
args: examples/two_layer_swish.nd --steps --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="L: forward and backward", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    subgraph cluster_forward {
        label="forward";
        n0 [label="W1\nH x D", shape=box, style=filled, fillcolor="#cfe2f3"];
        n1 [label="b1\nH x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
        n2 [label="W2\nC x H", shape=box, style=filled, fillcolor="#cfe2f3"];
        n3 [label="b2\nC x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
        n4 [label="x\nD x 1", shape=box];
        n5 [label="y\nC x 1", shape=box];
        n6 [label="*\nH x 1"];
        n0 -> n6 [label="1"];
        n4 -> n6 [label="2"];
        n7 [label="z1 = +\nH x 1", style=filled, fillcolor="#fff2cc"];
        n6 -> n7;
        n1 -> n7;
        n8 [label="h1 = swish\nH x 1", style=filled, fillcolor="#fff2cc"];
        n7 -> n8;
        n9 [label="*\nC x 1"];
        n2 -> n9 [label="1"];
        n8 -> n9 [label="2"];
        n10 [label="z2 = +\nC x 1", style=filled, fillcolor="#fff2cc"];
        n9 -> n10;
        n3 -> n10;
        n11 [label="L = crossentropy", style=filled, fillcolor="#fff2cc", peripheries=2];
        n10 -> n11 [label="1"];
        n5 -> n11 [label="2"];
    }
    subgraph cluster_backward {
        label="backward";
        s0 [label="dL/dz2 = softmax(z2) - y", shape=box, style="rounded"];
        n5 -> s0 [style=dashed, color=gray50, constraint=false];
        n10 -> s0 [style=dashed, color=gray50, constraint=false];
        s1 [label="dL/dW2 = dL/dz2*h1'", shape=box, style="rounded,filled", fillcolor="#cfe2f3"];
        n8 -> s1 [style=dashed, color=gray50, constraint=false];
        s0 -> s1;
        s2 [label="dL/db2 = dL/dz2", shape=box, style="rounded,filled", fillcolor="#cfe2f3"];
        s0 -> s2;
        s3 [label="dL/dh1 = W2'*dL/dz2", shape=box, style="rounded"];
        s0 -> s3;
        n2 -> s3 [style=dashed, color=gray50, constraint=false];
        s4 [label="dL/dz1 = dL/dh1.*(sigmoid(z1) + z1.*sigmoid(z1).*(1 - sigmoid(z1)))", shape=box, style="rounded"];
        n7 -> s4 [style=dashed, color=gray50, constraint=false];
        s3 -> s4;
        s5 [label="dL/dW1 = dL/dz1*x'", shape=box, style="rounded,filled", fillcolor="#cfe2f3"];
        n4 -> s5 [style=dashed, color=gray50, constraint=false];
        s4 -> s5;
        s6 [label="dL/db1 = dL/dz1", shape=box, style="rounded,filled", fillcolor="#cfe2f3"];
        s4 -> s6;
    }
}
--- stderr
