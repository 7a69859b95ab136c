#!/usr/bin/env python3
"""Calls a live earshot-cloud with the real KServe v2 client (tritonclient[http]) and checks
every answer. Usage: kserve_client_check.py HOST:PORT TOKEN MODELS_DIR"""
import sys, wave
import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

url, token, models = sys.argv[1:4]
# tritonclient writes Inference-Header-Content-Length into the dict it is given: pass a copy each call.
headers = {"Authorization": f"Bearer {token}"}
client = httpclient.InferenceServerClient(url=url)
failures = []

def check(what, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (f"  ({detail})" if detail else ""))
    if not condition:
        failures.append(what)

def samples(name):
    with wave.open(f"{models}/alexa/1/test-set/{name}.wav") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if rate != 16000:  # espeak-ng writes 22050 Hz; resample linearly for the client side
        positions = np.arange(0, len(data) * 16000 // rate) * rate / 16000
        data = np.interp(positions, np.arange(len(data)), data.astype(np.float64)).round().astype(np.int16)
    return data

check("server live", client.is_server_live())
check("server ready", client.is_server_ready())
meta = client.get_server_metadata()
check("server metadata names earshot-cloud", meta.get("name") == "earshot-cloud", meta)
check("model alexa ready", client.is_model_ready("alexa"))
check("model alexa version 1 ready", client.is_model_ready("alexa", "1"))
check("unknown model not ready", not client.is_model_ready("no-such-model"))
model = client.get_model_metadata("alexa")
check("model metadata lists input audio INT16 [-1]",
      model["inputs"] == [{"name": "audio", "datatype": "INT16", "shape": [-1]}], model["inputs"])
check("model metadata lists outputs score and verified",
      [o["name"] for o in model["outputs"]] == ["score", "verified"], model["outputs"])

for binary in (False, True):
    mode = "binary" if binary else "JSON"
    for name, expected in (("alexa-en-us", True), ("alexa-sentence", False)):
        audio = samples(name)
        inp = httpclient.InferInput("audio", [len(audio)], "INT16")
        inp.set_data_from_numpy(audio, binary_data=binary)
        outputs = [httpclient.InferRequestedOutput("score", binary_data=binary),
                   httpclient.InferRequestedOutput("verified", binary_data=binary)]
        result = client.infer("alexa", [inp], outputs=outputs, headers=dict(headers), request_id=f"{name}-{mode}")
        score = float(result.as_numpy("score")[0])
        verified = bool(result.as_numpy("verified")[0])
        check(f"{mode} infer {name}: verified={expected}", verified == expected, f"score {score:.4f}")
        response = result.get_response()
        check(f"{mode} infer {name}: id and version echoed",
              response.get("id") == f"{name}-{mode}" and response.get("model_version") == "1", response)

audio = samples("alexa-en-us")
inp = httpclient.InferInput("audio", [1, len(audio)], "INT16")
inp.set_data_from_numpy(audio.reshape(1, -1), binary_data=False)
result = client.infer("alexa", [inp], model_version="1", headers=dict(headers))
check("versioned infer with shape [1, N] and default outputs", bool(result.as_numpy("verified")[0]))

try:
    bad = httpclient.InferInput("audio", [4], "INT16")
    bad.set_data_from_numpy(np.zeros(4, dtype=np.int16), binary_data=False)
    client.infer("alexa", [bad], headers=dict(headers))
    check("too-short audio is refused", False)
except InferenceServerException as error:
    check("too-short audio is refused with a message", "shorter than the minimum" in str(error), str(error))

try:
    client.infer("alexa", [inp])
    check("infer without a token is refused", False)
except InferenceServerException as error:
    check("infer without a token is refused", "unauthorized" in str(error), str(error))

print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
