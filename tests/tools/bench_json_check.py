"""Checks `onboard bench --json` output against what the fixture's Hugging Face config implies.

usage: bench_json_check.py OUTPUT.json HF_CONFIG.json THREADS P N R

The figures must be positive and consistent (decode_gb_s = bytes/token x tok/s / 1e9), and the
weight bytes one decoded token reads must equal the file's weight bytes minus what decode does
not read, derived here from the model's shapes (BF16 fixtures, 2 bytes a weight): the embedding
table but one row (untied heads), and the routed experts beyond num_experts_per_tok.
"""
import json
import math
import sys

out_path, hf_path, threads, p, n, r = sys.argv[1:7]
with open(out_path, encoding="utf-8") as f:
    got = json.load(f)
with open(hf_path, encoding="utf-8") as f:
    fixture = json.load(f)
hf = fixture["hf_config"]
errors = []

for key, want in (("threads", int(threads)), ("p", int(p)), ("n", int(n)), ("r", int(r))):
    if got.get(key) != want:
        errors.append(f"{key}: {got.get(key)!r}, want {want}")
for key in ("prefill_tok_s", "decode_tok_s", "decode_gb_s", "decode_weight_bytes_per_token", "model_size"):
    v = got.get(key)
    if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
        errors.append(f"{key}: {v!r} is not a positive number")
for key in ("prefill_tok_s_stddev", "decode_tok_s_stddev"):
    v = got.get(key)
    if not isinstance(v, (int, float)) or v < 0:
        errors.append(f"{key}: {v!r} is not a non-negative number")

if not errors:
    bpt = got["decode_weight_bytes_per_token"]
    want_gb_s = bpt * got["decode_tok_s"] / 1e9
    if abs(got["decode_gb_s"] - want_gb_s) > 1e-9 * want_gb_s + 1e-12:
        errors.append(f"decode_gb_s {got['decode_gb_s']} != bytes/token x decode_tok_s / 1e9 = {want_gb_s}")

    if fixture.get("dtype") != "bf16":
        errors.append(f"this check assumes a bf16 fixture, not {fixture.get('dtype')}")
    E, V = hf["hidden_size"], hf["vocab_size"]
    unread = 0 if hf.get("tie_word_embeddings") else 2 * (V - 1) * E
    routed = hf.get("n_routed_experts")
    if routed:
        moe_layers = hf["num_hidden_layers"] - hf.get("first_k_dense_replace", 0)
        expert_bytes = 2 * 3 * hf["moe_intermediate_size"] * E  # gate, up, down
        unread += moe_layers * (routed - hf["num_experts_per_tok"]) * expert_bytes
    if got["model_size"] - bpt != unread:
        errors.append(f"model_size - bytes/token = {got['model_size'] - bpt}, the shapes say {unread} bytes go unread")

if errors:
    print("FAIL\n  " + "\n  ".join(errors))
    sys.exit(1)
print(f"PASS: {got['decode_tok_s']:.1f} tok/s x {got['decode_weight_bytes_per_token']} B = {got['decode_gb_s']:.3f} GB/s")
