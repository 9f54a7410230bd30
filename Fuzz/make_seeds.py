#!/usr/bin/env python3
"""Writes the seed corpus Fuzz/corpus/ (committed). Each seed is one case the
conformance suite also covers, so the fuzzer starts from every rule's neighbourhood."""
import os

H = "Host: x\r\n"
seeds = {
    "get": f"GET / HTTP/1.1\r\n{H}\r\n",
    "get_http10": "GET /a?b=c HTTP/1.0\r\n\r\n",
    "get_http10_keepalive": "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "head": f"HEAD /healthz HTTP/1.1\r\n{H}\r\n",
    "options_star": f"OPTIONS * HTTP/1.1\r\n{H}\r\n",
    "connect": f"CONNECT example.com:443 HTTP/1.1\r\n{H}\r\n",
    "absolute_form": f"GET http://x/y HTTP/1.1\r\n{H}\r\n",
    "post_length": f"POST /v1/losses/dice HTTP/1.1\r\n{H}Content-Type: application/json\r\nContent-Length: 27\r\n\r\n" + '{"input":[0.5],"target":[1]}'[:27],
    "post_length_zero": f"POST / HTTP/1.1\r\n{H}Content-Length: 0\r\n\r\n",
    "post_no_length": f"POST / HTTP/1.1\r\n{H}\r\n",
    "pipelined": f"GET /1 HTTP/1.1\r\n{H}\r\nPOST /2 HTTP/1.1\r\n{H}Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n{H}Connection: close\r\n\r\n",
    "pipelined_chunked": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n{H}\r\n",
    "chunked": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "chunked_ext": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n5;name=value;quoted=\"a b\"\r\nhello\r\n0 ; last\r\n\r\n",
    "chunked_trailers": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\nA\r\n0123456789\r\n0\r\nX-Checksum: abc\r\nContent-Length: 5\r\n\r\n",
    "chunked_upper_hex": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n00000A\r\n0123456789\r\n0\r\n\r\n",
    "chunked_huge_size": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n",
    "chunked_bad_terminator": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    "chunked_lf_only": f"POST / HTTP/1.1\n{H[:-2]}\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n",
    "chunked_not_last": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked, gzip\r\n\r\n",
    "te_unknown": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "te_http10": "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te_and_cl": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    "cl_huge": f"POST / HTTP/1.1\r\n{H}Content-Length: 99999999999999999999999999\r\n\r\n",
    "cl_leading_zeros": f"POST / HTTP/1.1\r\n{H}Content-Length: 0000000000000000000000003\r\n\r\nabc",
    "cl_list_same": f"POST / HTTP/1.1\r\n{H}Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
    "cl_differing": f"POST / HTTP/1.1\r\n{H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "cl_signed": f"POST / HTTP/1.1\r\n{H}Content-Length: +3\r\n\r\nabc",
    "obs_fold": f"GET / HTTP/1.1\r\n{H}X-A: one\r\n  two\r\n\r\n",
    "bare_cr_header": f"GET / HTTP/1.1\r\n{H}X-A: one\rtwo\r\n\r\n",
    "bare_cr_request_line": f"GET /\r HTTP/1.1\r\n{H}\r\n",
    "space_before_colon": f"GET / HTTP/1.1\r\n{H}X-A : b\r\n\r\n",
    "nul_in_value": f"GET / HTTP/1.1\r\n{H}X-A: a\x00b\r\n\r\n",
    "no_host": "GET / HTTP/1.1\r\n\r\n",
    "two_hosts": f"GET / HTTP/1.1\r\n{H}{H}\r\n",
    "version_2": f"GET / HTTP/2.0\r\n{H}\r\n",
    "version_bad": f"GET / HTTX/1.1\r\n{H}\r\n",
    "method_unknown": f"BREW / HTTP/1.1\r\n{H}\r\n",
    "double_space": f"GET  / HTTP/1.1\r\n{H}\r\n",
    "leading_empty_lines": f"\r\n\r\n\nGET / HTTP/1.1\r\n{H}\r\n",
    "expect_continue": f"PUT /x HTTP/1.1\r\n{H}Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    "expect_unknown": f"PUT /x HTTP/1.1\r\n{H}Expect: 200-ok\r\nContent-Length: 2\r\n\r\nok",
    "gzip_body": f"POST / HTTP/1.1\r\n{H}Content-Encoding: gzip\r\nAccept-Encoding: gzip;q=0.5, deflate\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
    "many_headers": "GET / HTTP/1.1\r\n" + H + "".join(f"X-{i}: {i}\r\n" for i in range(20)) + "\r\n",
    "long_target": "GET /" + "a" * 300 + f" HTTP/1.1\r\n{H}\r\n",
    "long_chunk_ext": f"POST / HTTP/1.1\r\n{H}Transfer-Encoding: chunked\r\n\r\n1;" + "e" * 100 + "\r\na\r\n0\r\n\r\n",
    "connection_close": f"GET / HTTP/1.1\r\n{H}Connection: keep-alive, close\r\n\r\n",
}
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)
for name, text in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(text.encode("latin-1"))
print(f"{len(seeds)} seeds in {here}")
