"""backward's topological order: every node after all of its consumers, and always the same order.

The order decides in which order a tensor's gradient contributions are added, and float
addition is not associative, so the order is part of "same seed, same bits": the walk in
``Tensor._topological_order`` must give exactly the order of the plain depth-first search
below (reversed post-order, inputs pushed in order, the last input explored first).
"""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tinynet as tn


def reference_order(root):
    """The textbook iterative DFS: every node, leaf or not, is pushed again to be emitted."""
    post, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            for parent in node._ctx.inputs:
                if parent is not None and parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    post.reverse()
    return post


OPS = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b * 0.5, lambda a, b: (a * b).tanh()]


@settings(deadline=None, max_examples=80)
@given(leaves=st.integers(1, 4), steps=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 99), st.integers(0, 99)),
                                                min_size=1, max_size=25))
def test_the_order_is_the_depth_first_one_and_consumers_come_first(leaves, steps):
    nodes = [tn.Tensor(np.full(3, 0.5 + i), requires_grad=i % 3 != 2) for i in range(leaves)]
    for op, i, j in steps:   # each new node reuses earlier ones, so diamonds and repeats are common
        nodes.append(OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    root = sum((n for n in nodes[leaves:]), nodes[-1]).sum()
    if not root.requires_grad:
        return
    order = root._topological_order()
    assert [id(n) for n in order] == [id(n) for n in reference_order(root)]
    position = {id(n): k for k, n in enumerate(order)}
    for node in order:
        if node._ctx is not None:
            for parent in node._ctx.inputs:
                if parent is not None and parent.requires_grad:
                    assert position[id(parent)] > position[id(node)]
