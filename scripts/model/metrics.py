"""Edit-distance based CER / WER."""


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
        prev = cur
    return prev[-1]


def cer_wer(refs, hyps):
    ce = cn = we = wn = 0
    for r, h in zip(refs, hyps):
        ce += edit_distance(r, h)
        cn += max(1, len(r))
        we += edit_distance(r.split(), h.split())
        wn += max(1, len(r.split()))
    return ce / cn, we / wn
