# --dot --jacobian: the graph of the Jacobian
args: examples/hessian/affine_exp.nd --jacobian --dot
status: 0
--- stdout
digraph nnderive {
    graph [fontname="Helvetica", label="f: Jacobian", labelloc=t];
    node [fontname="Helvetica", fontsize=11];
    edge [fontname="Helvetica", fontsize=9];
    n0 [label="A\nm x n", shape=box];
    n1 [label="x\nn x 1", shape=box, style=filled, fillcolor="#cfe2f3"];
    n2 [label="exp\nn x 1"];
    n1 -> n2;
    n5 [label="diag\nn x n"];
    n2 -> n5;
    n6 [label="*\nm x n"];
    n0 -> n6 [label="1"];
    n5 -> n6 [label="2"];
    h0 [label="df/dx\nm x n", shape=box, style=filled, fillcolor="#d9ead3", peripheries=2];
    n6 -> h0;
}
--- stderr
