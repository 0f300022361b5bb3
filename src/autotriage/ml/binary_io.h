// BinaryWriter / BinaryReader: the little-endian encoding used inside model files.
//
// The writer appends to a string; the reader walks a string_view and never reads past its end:
// a truncated or damaged buffer makes it fail (ok() false) instead of crashing, and every read
// after a failure returns zero values. Not thread-safe; one reader or writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace autotriage {

class BinaryWriter {
 public:
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I32(int32_t v) { U32(static_cast<uint32_t>(v)); }
  void F64(double v);
  void Str(std::string_view s);
  void I32Vector(const std::vector<int32_t>& v);
  void U32Vector(const std::vector<uint32_t>& v);
  void U64Vector(const std::vector<uint64_t>& v);
  void F32Vector(const std::vector<float>& v);
  void StrVector(const std::vector<std::string>& v);
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  void Raw(const void* data, size_t size);
  std::string bytes_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}
  uint32_t U32();
  uint64_t U64();
  int32_t I32() { return static_cast<int32_t>(U32()); }
  double F64();
  std::string Str();
  // Like Str, but a view into the reader's buffer (valid while that buffer lives).
  std::string_view StrView();
  std::vector<int32_t> I32Vector();
  std::vector<uint32_t> U32Vector();
  std::vector<uint64_t> U64Vector();
  std::vector<float> F32Vector();
  std::vector<std::string> StrVector();
  bool ok() const { return ok_; }
  bool AtEnd() const { return offset_ == bytes_.size(); }
  size_t remaining() const { return bytes_.size() - offset_; }
  size_t offset() const { return offset_; }
  // The bytes read since `start` (an earlier offset()).
  std::string_view ReadSince(size_t start) const { return bytes_.substr(start, offset_ - start); }

 private:
  bool Raw(void* data, size_t size);
  // Reads a length prefix and checks that `element_size` × length bytes remain.
  uint64_t Length(size_t element_size);
  std::string_view bytes_;
  size_t offset_ = 0;
  bool ok_ = true;
};

}  // namespace autotriage
