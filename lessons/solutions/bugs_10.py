"""Planted bugs for lesson 10: each must fail the grader."""
import numpy as np


def _log_softmax(b):
    b = np.asarray(b, dtype=np.float64)
    s = b - b.max()
    return s - np.log(np.exp(s).sum())


def loss_always_log_k(prior, bias):                  # ignores the bias: the uniform guess
    return float(np.log(len(prior)))


def loss_prior_and_softmax_swapped(prior, bias):     # −Σ softmax(b) log π
    return float(-(np.exp(_log_softmax(bias)) * np.log(np.asarray(prior, dtype=np.float64))).sum())


def loss_without_normalization(prior, bias):         # −Σ π_k b_k: forgets the log-sum-exp
    return float(-(np.asarray(prior) * np.asarray(bias, dtype=np.float64)).sum())


def loss_log2(prior, bias):                          # bits instead of nats
    return float(-(np.asarray(prior) * _log_softmax(bias)).sum() / np.log(2))


def bias_no_log(y, num_classes):                     # the prior itself, not its log
    counts = np.bincount(np.asarray(y), minlength=num_classes)
    return counts / counts.sum()


def bias_binary_logit(y, num_classes):               # the sigmoid formula log(π/(1−π)) used for softmax
    counts = np.bincount(np.asarray(y), minlength=num_classes)
    p = counts / counts.sum()
    return np.log(p / (1 - p))


def bias_negative_log(y, num_classes):               # the sign flipped
    counts = np.bincount(np.asarray(y), minlength=num_classes)
    return -np.log(counts / counts.sum())


def bias_sorted(y, num_classes):                     # the right numbers on the wrong classes
    counts = np.sort(np.bincount(np.asarray(y), minlength=num_classes))
    return np.log(counts / counts.sum())


def loss_naive_softmax(prior, bias):                 # exp of large logits overflows
    e = np.exp(np.asarray(bias, dtype=np.float64))
    return float(-(np.asarray(prior) * np.log(e / e.sum())).sum())


BUGS = {
    "expected_initial_loss": [loss_always_log_k, loss_prior_and_softmax_swapped,
                              loss_without_normalization, loss_log2, loss_naive_softmax],
    "prior_bias": [bias_no_log, bias_binary_logit, bias_negative_log, bias_sorted],
}
