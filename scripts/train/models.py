"""What each edge model is trained on: keyword texts, confusable hard negatives, labels.

Everything the pipeline does for a model is driven by the entry in MODELS. Voices are split
into train and validation by voice (a validation voice is never heard in training).
"""
import os
import random

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.abspath(os.environ.get("EARSHOT_DATA", os.path.join(REPO, "..", "shared", "data")))
PRECISE = os.path.join(DATA, "mycroft-precise")


def work_dir(model):
    root = os.environ.get("EARSHOT_TRAIN_WORK", "/tmp/earshot-train")
    return os.path.join(root, model)


# ---------------------------------------------------------------- voices
ESPEAK_BASES = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029"]
ESPEAK_VARIANTS = [
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
    "klatt", "klatt2", "klatt3", "klatt4", "klatt6", "Alex", "Andy", "Annie", "Denis", "Gene", "Jacky",
    "Lee", "Mike", "adam", "anika", "announcer", "aunty", "belinda", "benjamin", "boris", "caleb",
    "david", "ed", "edward", "grandma", "grandpa", "iven", "iven2", "john", "linda", "max", "michel",
    "norbert", "paul", "quincy", "rob", "robert", "shelby", "steph", "steph2", "travis", "victor",
    "zac", "whisper", "whisperf", "croak",
]
FLITE_VOICES = ["kal16", "awb", "rms", "slt", "kal"]
FESTIVAL_VOICES = ["kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"]

# Held out by voice: never heard in training.
VAL_ESPEAK_VARIANTS = {"m3", "f2", "klatt3", "Andy", "belinda", "grandpa", "linda", "quincy", "steph2", "zac", "whisperf"}
VAL_ESPEAK_BASES = {"en-gb-x-gbcwmd"}
VAL_FLITE = {"awb"}
VAL_FESTIVAL = {"ked_diphone"}


def voice_split(engine, voice):
    if engine == "espeak":
        base, variant = voice.split("+")
        return "val" if (variant in VAL_ESPEAK_VARIANTS or base in VAL_ESPEAK_BASES) else "train"
    if engine == "flite":
        return "val" if voice in VAL_FLITE else "train"
    return "val" if voice in VAL_FESTIVAL else "train"


# ---------------------------------------------------------------- texts
SUBJECTS = ["the kitchen light", "my sister", "the weather", "this recipe", "our neighbour", "the radio",
            "a small dog", "the old car", "the meeting", "her brother", "the garden", "the window",
            "my phone", "the children", "the train", "a cup of tea", "the music", "the doctor",
            "the printer", "the heater", "the market", "our teacher", "the movie", "the bus driver"]
VERBS = ["is going to", "should", "will probably", "might", "can't", "wants to", "used to", "has to",
         "never seems to", "would like to", "is trying to", "forgot to"]
OBJECTS = ["stay open all night", "call back later", "turn off at ten", "play something quiet",
           "arrive before noon", "get cleaned tomorrow", "start a little earlier", "be fixed by friday",
           "wait for the others", "find the keys", "go to the park", "bring some bread",
           "make a lot of noise", "look much better now", "need new batteries", "work on weekends"]
EXTRA_SENTENCES = [
    "What time is it?", "Turn on the kitchen lights.", "Set a timer for ten minutes.",
    "How is the weather tomorrow?", "Play some jazz in the living room.", "Remind me to call mom.",
    "I think it is going to rain.", "Could you pass the salt please?", "Good morning everybody.",
    "Let's go for a walk after dinner.", "The store closes at nine.", "Where did I put my glasses?",
    "Please close the door behind you.", "We need more milk and eggs.", "That was a great game last night.",
    "Open the garage door.", "Stop the music.", "Lower the volume a bit.", "What's on my calendar today?",
    "Tell me a joke.", "How far is the airport?", "Add apples to the shopping list.",
]


def sentences(rng, n, exclude_words):
    out = []
    for s in EXTRA_SENTENCES:
        out.append(s)
    while len(out) < n:
        out.append(f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    ex = [w.lower() for w in exclude_words]
    return [s for s in out if not any(w in s.lower() for w in ex)]


# The words of Google's Speech Commands data set that are not among its ten keywords (its
# "unknown" class), and the near words this project adds to the class.
SPEECH_COMMANDS_OTHER_WORDS = ["bed", "bird", "cat", "dog", "eight", "five", "four", "happy", "house", "marvin",
                               "nine", "one", "seven", "sheila", "six", "three", "tree", "two", "wow", "zero",
                               "forward", "backward", "follow", "learn", "visual"]
NEAR_WORDS = ["note", "app", "town", "let", "light", "often", "stock", "goal", "yet", "bright", "dawn"]

MODELS = {
    "computer": {
        "kind": "wakeword",
        "version": "1.1.1",
        "epochs": 72,
        "speaker_augment": True,
        # one invocation at the int8 output's top value (255/256) fires at once (WakeWordDetector's
        # fast rule): held out, it keeps 0 false accepts in 3.15 h and adds real recall
        "fast_cutoff": 0.995,
        "width": [16, 32, 48, 48],
        "pos_weight": 1.0,
        "real_pos_boost": 3.0,
        "wake_word": "computer",
        "positives": ["computer", "computer.", "Computer!", "computer?", "Computer,"],
        "carriers": ["hey computer", "okay computer", "computer turn on the lights", "computer what time is it"],
        "confusables": [
            "computation", "commuter", "compute her", "compute", "computing", "commuters", "come pewter",
            "compete", "complete her", "commute", "competent", "compulsory", "company", "campus",
            "cucumber", "commander", "amputee", "disputer", "come to her", "recruiter", "counter",
            "compost", "composer", "computed", "copy to her", "come here", "pewter", "cute her",
            "computational", "commentator", "competitor", "commuter train", "compass", "combat",
            "complete", "comfort", "comparable", "commercial", "scooter", "tutor", "computer science is hard to spell",
        ],
        "exclude": ["computer"],
    },
    "alexa": {
        "kind": "wakeword",
        "version": "1.2.0",
        "epochs": 24,
        # whispered copies of 30 % of the training speech (augment.whispered): a third of 1.1.1's
        # held-out misses were the held-out whispered voice
        "whisper_share": 0.3,
        # 2 h of minute-long sentence streams in the training voices: without them 3 of 6 runs
        # scored a few held-out sentences at the int8 top value (no cutoff below 0.25 FA/h)
        "stream_hours": 2,
        "speaker_augment": True,
        "fast_cutoff": 0.995,
        "width": [16, 32, 48, 48],
        "pos_weight": 1.0,
        "wake_word": "alexa",
        "positives": ["alexa", "Alexa.", "Alexa!", "alexa?", "Alexa,"],
        "carriers": ["hey alexa", "okay alexa", "alexa turn on the lights", "alexa what time is it"],
        "confusables": [
            "Alex said", "a lexicon", "Alex", "Alexis", "Alexander", "election", "a letter", "elixir",
            "Alaska", "relax a", "Electra", "a lecture", "I like sa", "Alex saw", "annexer", "Alexei",
            "Alessa", "Alisa", "Elsa", "Alicia", "a legs a", "allergic", "Alex sat", "a leksa",
            "the lexus", "lexus", "galaxy", "Alec's a", "excel", "alexandria", "Alexia", "Alex's",
        ],
        "exclude": ["alexa"],
    },
    "speech-commands": {
        "kind": "classifier",
        "version": "1.4.0",
        "epochs": 90,
        "speaker_augment": True,
        "width": [16, 32, 48, 64],
        # unknown words per voice (espeak-ng; flite and festival voices read `heavy` times as many)
        "unknown_per_voice": 8,
        # training copies of each word clip, each with its own tempo, pitch, reverb, noise and level
        "word_reps": 2,
        # clips of room noise alone ("silence"; 4 in 5 for training): 600 left transients (a clank,
        # a tap, a miaow) in the last second heard as "up" or "off"
        "noise_clips": 1800,
        "labels": ["silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"],
        # the Speech Commands data set's other words, then near words: hard negatives a sound or
        # two from a label. A homophone of a label ("know" for "no") is not one: alone it sounds
        # the same, so no classifier can tell them apart.
        "unknown_words": SPEECH_COMMANDS_OTHER_WORDS + ["yesterday"] + NEAR_WORDS,
        "near_words": NEAR_WORDS,
        "classic_unknown_words": SPEECH_COMMANDS_OTHER_WORDS,
        "exclude": [],
    },
}


def voice_grid(rng, per_engine_espeak):
    """(engine, voice, rate, pitch) tuples, deterministic given rng."""
    grid = []
    for base in ESPEAK_BASES:
        for variant in ESPEAK_VARIANTS:
            grid.append(("espeak", f"{base}+{variant}"))
    rng.shuffle(grid)
    grid = grid[:per_engine_espeak]
    for v in FLITE_VOICES:
        grid.append(("flite", v))
    for v in FESTIVAL_VOICES:
        grid.append(("festival", v))
    return grid
