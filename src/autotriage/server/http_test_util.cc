#include "autotriage/server/http_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>

namespace autotriage {

RawReply RawExchange(int port, const std::string& request, int timeout_ms) {
  RawReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return reply;
  }
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return reply;
  }
  reply.connected = true;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      break;
    }
    sent += static_cast<size_t>(n);
  }
  std::string data;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) {
      reply.closed_by_server = true;
      break;
    }
    if (n < 0) {
      break;  // timeout or reset
    }
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t header_end = data.find("\r\n\r\n");
  if (data.rfind("HTTP/1.1 ", 0) == 0 && data.size() >= 12) {
    reply.status = std::atoi(data.substr(9, 3).c_str());
  }
  if (header_end != std::string::npos) {
    reply.headers = data.substr(0, header_end);
    reply.body = data.substr(header_end + 4);
  }
  return reply;
}

}  // namespace autotriage
