// Helpers for the server module's tests: a raw loopback HTTP exchange, for requests an HTTP
// client library would not send (chunked headers without a body, a lying Content-Length).
#pragma once

#include <string>

namespace autotriage {

struct RawReply {
  bool connected = false;
  int status = 0;       // 0 when no status line came back
  std::string headers;  // raw header block
  std::string body;
  bool closed_by_server = false;  // the server closed the connection after answering
};

// Connects to 127.0.0.1:port, writes `request` as is, and reads the answer until the server
// closes the connection or `timeout_ms` passes without data.
RawReply RawExchange(int port, const std::string& request, int timeout_ms = 5000);

}  // namespace autotriage
