// FlatIndex: a read-mostly map from 64-bit hash keys to non-negative int32 values, stored in one
// open-addressing array (linear probing, load factor at most 1/2).
//
// Why not std::unordered_map: the featurizer's vocabularies hold hundreds of thousands of
// n-gram hashes and every prediction looks up each token in them. A node-based map costs two
// or three cache misses per lookup (bucket, node, next node); here a key and its value share one
// 16-byte slot, so a lookup is usually one miss. Keys must already be well mixed (the
// featurizer's hashes go through a splitmix64 finaliser): the slot is the key's low bits.
//
// Thread-safety: Find is safe from many threads once building is over; Insert is not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace autotriage {

class FlatIndex {
 public:
  // Makes room for `count` keys without growing during Insert.
  void Reserve(size_t count) {
    size_t capacity = 16;
    while (capacity < count * 2) {
      capacity *= 2;
    }
    if (capacity > slots_.size()) {
      Rehash(capacity);
    }
  }

  // Adds key → value unless the key is present (then the first value stays, as with emplace).
  // Returns whether it was added. REQUIRES: value >= 0.
  bool Insert(uint64_t key, int32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) {
      Rehash(slots_.empty() ? 16 : slots_.size() * 2);
    }
    const size_t mask = slots_.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.value < 0) {
        slot.key = key;
        slot.value = value;
        ++size_;
        return true;
      }
      if (slot.key == key) {
        return false;
      }
    }
  }

  // The value stored for `key`, or -1.
  int32_t Find(uint64_t key) const {
    if (slots_.empty()) {
      return -1;
    }
    const size_t mask = slots_.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.value < 0 || slot.key == key) {
        return slot.value;
      }
    }
  }

  size_t size() const { return size_; }

  // Every (key, value) pair, in no particular order.
  std::vector<std::pair<uint64_t, int32_t>> Entries() const {
    std::vector<std::pair<uint64_t, int32_t>> entries;
    entries.reserve(size_);
    for (const Slot& slot : slots_) {
      if (slot.value >= 0) {
        entries.emplace_back(slot.key, slot.value);
      }
    }
    return entries;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    int32_t value = -1;  // -1 marks an empty slot
  };

  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.value >= 0) {
        Insert(slot.key, slot.value);
      }
    }
  }

  std::vector<Slot> slots_;  // size is 0 or a power of two
  size_t size_ = 0;
};

}  // namespace autotriage
