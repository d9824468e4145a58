"""Build the sentence pool: Debian fortunes text plus generated sentences (numbers, digits,
names, dates, times, money, commands, everyday speech). Deterministic given the seed."""
import glob
import os
import random
import re

from textnorm import normalize, number_to_words, ordinal, year_to_words, digits_to_words

FORTUNE_DIR = "/usr/share/games/fortunes"

FIRST = ("james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph "
         "jessica thomas sarah charles karen chris nancy daniel lisa matthew betty anthony margaret mark sandra "
         "donald ashley steven kim paul emily andrew donna joshua michelle kenneth carol kevin amanda brian melissa "
         "george deborah tim stephanie ronald rebecca edward sharon jason laura jeff cynthia ryan kathleen jacob amy "
         "gary angela nicholas anna eric shirley jonathan brenda stephen pamela larry emma justin nicole scott helen "
         "brandon samantha ben katherine frank christine greg debra sam rachel alex carolyn peter janet sophie olivia "
         "lucas noah liam ava mia ethan harper henry grace jack lily owen chloe leo zoe max ella maria carlos ahmed "
         "priya wei yuki omar fatima ivan elena hans ingrid pierre marie luca giulia diego sofia raj aisha").split()
LAST = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez wilson anderson "
        "thomas taylor moore jackson martin lee thompson white harris clark lewis robinson walker young allen king "
        "wright scott hill green adams baker nelson carter mitchell roberts turner phillips campbell parker evans "
        "edwards collins stewart morris murphy cook rogers morgan cooper peterson reed bailey bell kelly howard ward "
        "cox richardson wood watson brooks bennett gray james hughes price sanders myers long ross foster").split()
CITIES = ("london paris new york boston chicago seattle denver austin dallas miami atlanta toronto berlin madrid rome "
          "tokyo sydney dublin oslo vienna prague lisbon amsterdam brussels zurich geneva moscow cairo delhi mumbai "
          "beijing shanghai seoul bangkok singapore manila jakarta nairobi lagos lima bogota houston phoenix portland "
          "edinburgh glasgow manchester liverpool bristol oxford cambridge").split()
MONTHS = "january february march april may june july august september october november december".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
THINGS = ("the lights the heater the radio the music the television the fan the oven the alarm the coffee machine "
          "the dishwasher the printer the camera the microphone the recording the timer the volume").split(" the ")
ROOMS = "kitchen bedroom living room office garage bathroom hallway basement garden attic".split(" ")
ITEMS = ("apples bananas eggs milk bread butter cheese tomatoes onions potatoes rice pasta coffee tea sugar salt "
         "chicken fish carrots lemons oranges grapes cookies batteries envelopes stamps pencils notebooks").split()
VERBS = ("call text email remind meet visit help ask tell pay invite thank phone message").split()


def rnd_number(r):
    k = r.random()
    if k < 0.4:
        return number_to_words(r.randint(0, 100))
    if k < 0.7:
        return number_to_words(r.randint(100, 10000))
    if k < 0.9:
        return number_to_words(r.randint(10000, 10 ** 7))
    return digits_to_words(str(r.randint(0, 10 ** r.randint(2, 8))))


def rnd_time(r):
    h, m = r.randint(1, 12), r.choice([0, 5, 10, 15, 20, 30, 40, 45, 50, r.randint(1, 59)])
    if m == 0:
        t = number_to_words(h) + r.choice([" o'clock", "", " am", " pm"])
    elif m < 10:
        t = number_to_words(h) + " oh " + number_to_words(m)
    else:
        t = number_to_words(h) + " " + number_to_words(m)
    if r.random() < 0.3:
        t += r.choice([" in the morning", " in the afternoon", " in the evening", " at night"])
    return t


def rnd_date(r):
    d = ordinal(r.randint(1, 31))
    mo = r.choice(MONTHS)
    if r.random() < 0.5:
        s = f"{mo} {d}"
    else:
        s = f"the {d} of {mo}"
    if r.random() < 0.4:
        s += " " + year_to_words(r.randint(1900, 2035))
    return s


def name(r):
    return r.choice(FIRST) + (" " + r.choice(LAST) if r.random() < 0.5 else "")


TEMPLATES = [
    lambda r: f"{r.choice(['turn on', 'turn off', 'switch on', 'switch off', 'dim', 'check'])} {r.choice(THINGS)} in the {r.choice(ROOMS)}",
    lambda r: f"set a timer for {rnd_number(r)} {r.choice(['minutes', 'seconds', 'hours'])}",
    lambda r: f"set an alarm for {rnd_time(r)}",
    lambda r: f"{r.choice(VERBS)} {name(r)} {r.choice(['tomorrow', 'today', 'tonight', 'next week', 'on ' + r.choice(DAYS), 'at ' + rnd_time(r)])}",
    lambda r: f"my phone number is {digits_to_words(''.join(str(r.randint(0, 9)) for _ in range(r.randint(7, 10))))}",
    lambda r: f"the code is {digits_to_words(''.join(str(r.randint(0, 9)) for _ in range(r.randint(3, 6))))}",
    lambda r: f"{digits_to_words(''.join(str(r.randint(0, 9)) for _ in range(r.randint(1, 8))))}",
    lambda r: f"{rnd_number(r)}",
    lambda r: f"it costs {rnd_number(r)} dollars{r.choice(['', ' and ' + number_to_words(r.randint(1, 99)) + ' cents'])}",
    lambda r: f"the meeting is on {rnd_date(r)} at {rnd_time(r)}",
    lambda r: f"i was born on {rnd_date(r)}",
    lambda r: f"{name(r)} lives in {r.choice(CITIES)}",
    lambda r: f"book a flight from {r.choice(CITIES)} to {r.choice(CITIES)} on {r.choice(DAYS)}",
    lambda r: f"what is the weather like in {r.choice(CITIES)} {r.choice(['today', 'tomorrow', 'this weekend', 'on ' + r.choice(DAYS)])}",
    lambda r: f"add {rnd_number(r) if r.random() < 0.5 else 'some'} {r.choice(ITEMS)} to the shopping list",
    lambda r: f"please buy {r.choice(ITEMS)} {r.choice(ITEMS)} and {r.choice(ITEMS)}",
    lambda r: f"hello my name is {name(r)}",
    lambda r: f"{name(r)} will arrive at {rnd_time(r)} on {r.choice(DAYS)}",
    lambda r: f"there are {rnd_number(r)} people in the {r.choice(ROOMS)}",
    lambda r: f"room {number_to_words(r.randint(1, 999))} on the {ordinal(r.randint(1, 40))} floor",
    lambda r: f"the temperature is {number_to_words(r.randint(-20, 40))} degrees",
    lambda r: f"{r.choice(['yes', 'no', 'okay', 'sure', 'thanks', 'stop', 'cancel', 'repeat that', 'go back', 'next', 'pause', 'play', 'help'])}",
    lambda r: f"{r.choice(['play', 'pause', 'skip', 'repeat'])} {r.choice(['the next song', 'the last track', 'some music', 'the news', 'the podcast', 'chapter ' + number_to_words(r.randint(1, 30))])}",
    lambda r: f"page {number_to_words(r.randint(1, 500))} line {number_to_words(r.randint(1, 60))}",
    lambda r: f"in {year_to_words(r.randint(1800, 2030))} {name(r)} moved to {r.choice(CITIES)}",
    lambda r: f"{name(r)} owes me {rnd_number(r)} pounds",
    lambda r: f"drive {number_to_words(r.randint(1, 500))} miles north and turn {r.choice(['left', 'right'])}",
]


def fortune_sentences():
    out = []
    for f in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        if "." in os.path.basename(f) or os.path.isdir(f):
            continue
        try:
            txt = open(f, encoding="utf-8", errors="ignore").read()
        except OSError:
            continue
        for block in txt.split("\n%\n"):
            if re.search(r"[{}<>\\|_~#^*]|  {3,}", block):
                continue  # skip code, ascii art, tables
            block = re.sub(r"\s+", " ", block)
            block = re.sub(r"--.*$", "", block) if block.count("--") == 1 else block
            for s in re.split(r"(?<=[.!?;:])\s+", block):
                raw = s
                if re.search(r"[A-Z]{2,}\.|[A-Z]{4,}", raw):
                    continue  # acronyms / shouting read badly
                n = normalize(raw)
                w = n.split()
                if 2 <= len(w) <= 22 and len(n) <= 150 and all(len(x) <= 16 for x in w):
                    out.append(n)
    return out


def build(seed=1234, n_generated=14000):
    r = random.Random(seed)
    fort = sorted(set(fortune_sentences()))
    gen = set()
    while len(gen) < n_generated:
        gen.add(normalize(r.choice(TEMPLATES)(r)))
    pool = sorted(set(fort) | gen)
    r.shuffle(pool)
    return pool, len(fort), len(gen)


if __name__ == "__main__":
    pool, nf, ng = build()
    print(len(pool), nf, ng)
    for s in pool[:30]:
        print(s)
