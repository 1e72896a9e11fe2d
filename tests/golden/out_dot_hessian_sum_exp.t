# --dot --hessian: the graph of the Hessian's blocks
args: examples/hessian/sum_exp.nd --hessian --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="f: Hessian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="A\nm x n", shape=box];
    n1 [label="x\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n2 [label="*\nm x 1"];
    n0 -> n2 [label="1"];
    n1 -> n2 [label="2"];
    n3 [label="exp\nm x 1"];
    n2 -> n3;
    n7 [label="transpose\nn x m"];
    n0 -> n7;
    n17 [label="diag\nm x m"];
    n3 -> n17;
    n19 [label="*\nn x n"];
    n7 -> n19 [label="1"];
    n17 -> n19 [label="2"];
    n0 -> n19 [label="3"];
    h0 [label="d2f/dx2\nn x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n19 -> h0;
}
--- stderr
