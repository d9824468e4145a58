"""Text normalisation shared by data generation, training and evaluation.

Transcripts are lowercase words of the letters a-z and the apostrophe, separated by
single spaces. Digits are spelled out as words (see number_to_words)."""
import re

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ORD_IRREG = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
             "nine": "ninth", "twelve": "twelfth"}


def _lt1000(n):
    w = []
    if n >= 100:
        w += [ONES[n // 100], "hundred"]
        n %= 100
        if n == 0:
            return w
    if n < 20:
        w.append(ONES[n])
    else:
        w.append(TENS[n // 10])
        if n % 10:
            w.append(ONES[n % 10])
    return w


def number_to_words(n):
    n = int(n)
    if n < 0:
        return "minus " + number_to_words(-n)
    if n == 0:
        return "zero"
    parts = []
    for scale, name in ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand")):
        if n >= scale:
            parts += _lt1000(n // scale) + [name]
            n %= scale
    if n:
        parts += _lt1000(n)
    return " ".join(parts)


def year_to_words(y):
    y = int(y)
    if 2000 <= y <= 2009:
        return number_to_words(y)
    if 1100 <= y <= 2099 and y % 100 != 0:
        a, b = divmod(y, 100)
        return number_to_words(a) + " " + ("oh " + ONES[b] if b < 10 else number_to_words(b))
    if 1100 <= y <= 2099:
        return number_to_words(y // 100) + " hundred"
    return number_to_words(y)


def ordinal(n):
    w = number_to_words(n).split()
    last = w[-1]
    if last in ORD_IRREG:
        w[-1] = ORD_IRREG[last]
    elif last.endswith("y"):
        w[-1] = last[:-1] + "ieth"
    else:
        w[-1] = last + "th"
    return " ".join(w)


def digits_to_words(s):
    return " ".join(ONES[int(c)] for c in s)


def _num_repl(m):
    s = m.group(0)
    s2 = s.replace(",", "")
    if re.fullmatch(r"\d+(st|nd|rd|th)", s2):
        return " " + ordinal(int(re.match(r"\d+", s2).group(0))) + " "
    if "." in s2:
        a, b = s2.split(".", 1)
        return " " + (number_to_words(a) if a else "") + " point " + digits_to_words(b) + " "
    if len(s2) == 4 and 1100 <= int(s2) <= 2099:
        return " " + year_to_words(s2) + " "
    if len(s2) > 9:
        return " " + digits_to_words(s2) + " "
    return " " + number_to_words(s2) + " "


def normalize(text):
    """Map free text to the model's transcript alphabet (a-z, apostrophe, single spaces)."""
    t = text.lower()
    t = t.replace("\u2019", "'").replace("`", "'")
    t = t.replace("&", " and ").replace("%", " percent ").replace("$", " dollars ").replace("+", " plus ")
    t = t.replace("@", " at ").replace("=", " equals ")
    t = re.sub(r"\d[\d,]*(\.\d+)?(st|nd|rd|th)?", _num_repl, t)
    t = re.sub(r"[^a-z' ]+", " ", t)
    t = re.sub(r"(^| )'+|'+( |$)", " ", t)  # strip quote-like apostrophes at word edges
    t = re.sub(r"\s+", " ", t).strip()
    return t


def normalize_for_scoring(text):
    """Normalisation used for WER/CER: case, punctuation and digits vs number words are unified."""
    return normalize(text)
