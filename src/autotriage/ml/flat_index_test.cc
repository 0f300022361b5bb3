#include "autotriage/ml/flat_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <unordered_map>

namespace autotriage {
namespace {

TEST(FlatIndexTest, EmptyIndexFindsNothing) {
  FlatIndex index;
  EXPECT_EQ(index.Find(0), -1);
  EXPECT_EQ(index.Find(42), -1);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.Entries().empty());
}

TEST(FlatIndexTest, KeepsTheFirstValueOfARepeatedKey) {
  FlatIndex index;
  EXPECT_TRUE(index.Insert(7, 1));
  EXPECT_FALSE(index.Insert(7, 2));
  EXPECT_EQ(index.Find(7), 1);
  EXPECT_EQ(index.size(), 1u);
}

TEST(FlatIndexTest, KeyZeroAndCollidingKeysAreFound) {
  FlatIndex index;
  // Keys with equal low bits land in the same slot and must probe past each other, also
  // across the array's end.
  for (uint64_t i = 0; i < 12; ++i) {
    ASSERT_TRUE(index.Insert((i << 40) | 15, static_cast<int32_t>(i)));
  }
  ASSERT_TRUE(index.Insert(0, 99));
  for (uint64_t i = 0; i < 12; ++i) {
    EXPECT_EQ(index.Find((i << 40) | 15), static_cast<int32_t>(i));
  }
  EXPECT_EQ(index.Find(0), 99);
  EXPECT_EQ(index.Find((13ULL << 40) | 15), -1);
}

TEST(FlatIndexTest, AgreesWithAHashMapThroughGrowth) {
  std::mt19937_64 random(3);
  FlatIndex index;
  std::unordered_map<uint64_t, int32_t> reference;
  for (int32_t i = 0; i < 50000; ++i) {
    const uint64_t key = random() % 200000;  // repeats on purpose
    const bool added = index.Insert(key, i);
    EXPECT_EQ(added, reference.emplace(key, i).second);
  }
  EXPECT_EQ(index.size(), reference.size());
  for (uint64_t key = 0; key < 200000; ++key) {
    const auto it = reference.find(key);
    ASSERT_EQ(index.Find(key), it == reference.end() ? -1 : it->second) << key;
  }
  auto entries = index.Entries();
  std::sort(entries.begin(), entries.end());
  std::vector<std::pair<uint64_t, int32_t>> expected(reference.begin(), reference.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(entries, expected);
}

TEST(FlatIndexTest, ReserveKeepsEntries) {
  FlatIndex index;
  index.Insert(5, 50);
  index.Reserve(1000);
  EXPECT_EQ(index.Find(5), 50);
  for (int32_t i = 0; i < 1000; ++i) {
    index.Insert(1000 + static_cast<uint64_t>(i), i);
  }
  EXPECT_EQ(index.size(), 1001u);
  EXPECT_EQ(index.Find(1999), 999);
}

}  // namespace
}  // namespace autotriage
