// Password hashing, random tokens and token digests (auth.h), on libsodium.
#include <sodium.h>

#include <array>
#include <mutex>

#include "autotriage/auth/auth.h"
#include "autotriage/auth/auth_internal.h"

namespace autotriage {
namespace {

constexpr size_t kMinPasswordChars = 12;
constexpr size_t kTokenBytes = 32;
constexpr size_t kTokenHashBytes = 32;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

// Code points, not bytes: a 12-character password in any script passes.
size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

}  // namespace

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      AbortWithMessage("libsodium could not be initialised");
    }
  });
}

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kApprover:
      return "approver";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kViewer, Role::kApprover, Role::kAdmin}) {
    if (name == ToString(role)) {
      return role;
    }
  }
  return std::nullopt;
}

Result<std::string> HashPassword(std::string_view password) {
  if (Utf8Length(password) < kMinPasswordChars) {
    return InvalidArgument("the password is too weak: it needs at least " +
                           std::to_string(kMinPasswordChars) + " characters");
  }
  EnsureSodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("not enough memory to hash the password (Argon2id needs " +
                             std::to_string(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20) + " MiB)");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view password_hash, std::string_view password) {
  // libsodium reads the hash as a C string within crypto_pwhash_STRBYTES.
  if (password_hash.size() >= crypto_pwhash_STRBYTES ||
      password_hash.substr(0, kArgon2idPrefix.size()) != kArgon2idPrefix ||
      password_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  EnsureSodium();
  const std::string hash(password_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewRandomToken() {
  EnsureSodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<char, sodium_base64_ENCODED_LEN(kTokenBytes, kVariant)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(text.data());
}

std::string HashToken(std::string_view token) {
  EnsureSodium();
  std::array<unsigned char, kTokenHashBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  std::array<char, kTokenHashBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  // The length of a token is not secret (every token has 43 characters).
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Principal::Actor() const {
  if (via == "token") {
    return "token:" + name;
  }
  if (via == "slack") {
    return "slack:" + name;
  }
  return "user:" + name;
}

}  // namespace autotriage
