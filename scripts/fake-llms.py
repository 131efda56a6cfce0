#!/usr/bin/env python3
"""Three fake OpenAI-compatible LLMs and a fake judge on one loopback port, to try Zooter-J's live loop
(collect -> train -> serve) without real endpoints. Standard library only.

  python3 scripts/fake-llms.py --port 8001

Base URLs: http://127.0.0.1:8001/<name>/v1 for name in coder, mathy, chatty (candidates) and judge.
Each candidate is good at one kind of query: coder at programming, mathy at arithmetic and maths, chatty at
everything else. The judge reads the candidate's name from the answer and the topic from the query and returns
"[[score]]" on a 1..10 scale (9 for the specialist, 3-5 otherwise, deterministic). Supports "stream": true.
"""
import argparse
import hashlib
import json
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANDIDATES = ("coder", "mathy", "chatty")
CODE = re.compile(r"\b(python|java|code|function|sql|regex|bug|compile|class|api|javascript|rust)\b", re.I)
MATH = re.compile(r"\b(sum|integral|prime|equation|solve|probability|derivative|multiply|percent)\b|\d+\s*[+*/-]\s*\d+", re.I)


def topic(query):
    if CODE.search(query):
        return "coder"
    if MATH.search(query):
        return "mathy"
    return "chatty"


def jitter(text, span):
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % span


def answer(name, messages):
    user = next((m.get("content", "") for m in messages if m.get("role") == "user"), "")
    if name == "judge":
        q = re.search(r"<query>(.*?)</query>", user, re.S)
        r = re.search(r"<response>(.*?)</response>", user, re.S)
        query, resp = (q.group(1) if q else user), (r.group(1) if r else "")
        who = re.match(r"\[(\w+)\]", resp.strip())
        expert = who and who.group(1) == topic(query)
        score = 9 if expert else 3 + jitter(query + resp, 3)
        return f"The answer is {'expert' if expert else 'generic'}. [[{score}]]"
    return f"[{name}] Here is my answer to: {user}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        name = self.path.strip("/").split("/")[0]
        self._send(200, json.dumps({"object": "list", "data": [{"id": name, "object": "model"}]}))

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        name = parts[0]
        if name not in CANDIDATES + ("judge",) or parts[1:] != ["v1", "chat", "completions"]:
            return self._send(404, json.dumps({"error": {"message": f"no such endpoint {self.path}"}}))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        text = answer(name, body.get("messages", []))
        usage = {"prompt_tokens": 20, "completion_tokens": len(text.split()), "total_tokens": 20 + len(text.split())}
        cid = "chatcmpl-" + name + "-" + str(time.time_ns())
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            words = text.split(" ")
            for i, w in enumerate(words):
                delta = {"content": (w if i == 0 else " " + w)}
                chunk = {"id": cid, "object": "chat.completion.chunk", "model": body.get("model"),
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            end = {"id": cid, "object": "chat.completion.chunk", "model": body.get("model"),
                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage}
            self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
            self.close_connection = True
            return
        self._send(200, json.dumps({"id": cid, "object": "chat.completion", "model": body.get("model"),
                                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                                 "finish_reason": "stop"}], "usage": usage}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8001)
    a = ap.parse_args()
    print(f"fake LLMs on http://127.0.0.1:{a.port}/{{{','.join(CANDIDATES)},judge}}/v1", flush=True)
    ThreadingHTTPServer(("127.0.0.1", a.port), Handler).serve_forever()
