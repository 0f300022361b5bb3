#include "autotriage/store/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

using ::testing::HasSubstr;

AuditEntry Entry(const std::string& ticket, int64_t time_ms) {
  AuditEntry entry;
  entry.time_ms = time_ms;
  entry.kind = "decision";
  entry.trace_id = "t-" + ticket;
  entry.ticket_id = ticket;
  entry.model_version = "group=abc";
  entry.detail = "{\"ticket\":\"" + ticket + "\"}";
  return entry;
}

// A valid chain of `count` records.
std::vector<AuditEntry> Chain(int count) {
  std::vector<AuditEntry> entries;
  for (int i = 1; i <= count; ++i) {
    entries.push_back(Entry(std::to_string(i), i));
  }
  ChainAudit(0, "", &entries);
  return entries;
}

AuditVerifyReport Verify(const std::vector<AuditEntry>& entries) {
  AuditVerifier verifier;
  for (const AuditEntry& entry : entries) {
    verifier.Add(entry);
  }
  return verifier.Finish();
}

TEST(AuditHashTest, MatchesTheDocumentedDefinition) {
  AuditEntry entry;
  entry.seq = 1;
  entry.time_ms = 1700000000000;
  entry.kind = "decision";
  entry.trace_id = "t-1";
  entry.ticket_id = "42";
  entry.model_version = "group=abc";
  entry.detail = "{\"a\":1}";
  entry.prev_hash = kAuditGenesisHash;
  entry.hash = "ignored";
  // sha256(prev_hash + "\n" + canonical text), computed independently with Python's hashlib.
  EXPECT_EQ(AuditHash(entry), "02c3f37b8bc44e20bed9f7c11ead07a61ba4fe8c1daafdfd6bca3d697b4b0173");
  EXPECT_THAT(CanonicalAuditText(entry), HasSubstr("\ndetail=7:{\"a\":1}\n"));
  EXPECT_EQ(CanonicalAuditText(entry).find("ignored"), std::string::npos);
}

TEST(AuditHashTest, FieldBoundariesCannotBeShifted) {
  AuditEntry a = Entry("1", 1);
  AuditEntry b = a;
  a.kind = "ab";
  a.trace_id = "c";
  b.kind = "a";
  b.trace_id = "bc";
  EXPECT_NE(CanonicalAuditText(a), CanonicalAuditText(b));
  EXPECT_NE(AuditHash(a), AuditHash(b));
  AuditEntry c = Entry("1", 1);
  c.prev_hash = "x";
  EXPECT_NE(AuditHash(c), AuditHash(Entry("1", 1)));
}

TEST(AuditVerifierTest, AcceptsAnIntactChain) {
  const AuditVerifyReport report = Verify(Chain(20));
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 20);
  EXPECT_EQ(report.first_bad_seq, 0);
  EXPECT_TRUE(Verify({}).ok);
}

TEST(AuditVerifierTest, ReportsAnEditedRecord) {
  std::vector<AuditEntry> entries = Chain(10);
  entries[6].detail = "{\"ticket\":\"forged\"}";
  const AuditVerifyReport report = Verify(entries);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.problem, "record 7 was edited (hash mismatch)");
  EXPECT_EQ(report.entries, 10);
}

TEST(AuditVerifierTest, ReportsRemovedRecords) {
  std::vector<AuditEntry> one = Chain(10);
  one.erase(one.begin() + 4);
  EXPECT_EQ(Verify(one).problem, "record 5 is missing");
  EXPECT_EQ(Verify(one).first_bad_seq, 5);

  std::vector<AuditEntry> three = Chain(10);
  three.erase(three.begin() + 4, three.begin() + 7);
  EXPECT_EQ(Verify(three).problem, "records 5 to 7 are missing");

  std::vector<AuditEntry> first = Chain(3);
  first.erase(first.begin());
  EXPECT_EQ(Verify(first).problem, "record 1 is missing");
}

TEST(AuditVerifierTest, ReportsARemovalHiddenByRenumbering) {
  for (int removed : {4, 9}) {  // in the middle, and the last but one
    std::vector<AuditEntry> entries = Chain(10);
    entries.erase(entries.begin() + (removed - 1));
    for (size_t i = removed - 1; i < entries.size(); ++i) {
      entries[i].seq = static_cast<int64_t>(i) + 1;
    }
    const AuditVerifyReport report = Verify(entries);
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_bad_seq, removed);
    EXPECT_THAT(report.problem, HasSubstr("record " + std::to_string(removed) + " is missing"));
  }
}

TEST(AuditVerifierTest, ReportsReorderedRecords) {
  std::vector<AuditEntry> adjacent = Chain(10);
  std::swap(adjacent[2], adjacent[3]);
  std::swap(adjacent[2].seq, adjacent[3].seq);
  EXPECT_EQ(Verify(adjacent).problem, "records 3 and 4 were reordered");
  EXPECT_EQ(Verify(adjacent).first_bad_seq, 3);

  std::vector<AuditEntry> apart = Chain(10);
  std::swap(apart[1], apart[7]);
  std::swap(apart[1].seq, apart[7].seq);
  EXPECT_EQ(Verify(apart).problem, "records 2 and 8 were reordered");

  std::vector<AuditEntry> last_two = Chain(5);
  std::swap(last_two[3], last_two[4]);
  std::swap(last_two[3].seq, last_two[4].seq);
  EXPECT_EQ(Verify(last_two).problem, "records 4 and 5 were reordered");
}

TEST(AuditVerifierTest, ReportsAnInsertedRecord) {
  std::vector<AuditEntry> entries = Chain(10);
  AuditEntry forged = Entry("forged", 99);
  forged.seq = 4;
  forged.prev_hash = entries[2].hash;
  forged.hash = AuditHash(forged);
  entries.insert(entries.begin() + 3, forged);
  for (size_t i = 4; i < entries.size(); ++i) {
    entries[i].seq = static_cast<int64_t>(i) + 1;
  }
  const AuditVerifyReport report = Verify(entries);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 4);
  EXPECT_EQ(report.problem, "record 4 was inserted (the records after it were renumbered)");
}

TEST(AuditVerifierTest, ReportsABrokenLinkOfARehashedRecord) {
  std::vector<AuditEntry> entries = Chain(6);
  entries[2].detail = "{\"ticket\":\"rewritten\"}";
  entries[2].hash = AuditHash(entries[2]);  // the forger rehashed it, but not the rest
  const AuditVerifyReport report = Verify(entries);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 4);
  EXPECT_EQ(report.problem, "record 4 does not link to record 3 (prev_hash mismatch)");
}

TEST(AuditJsonTest, RoundTripsEveryField) {
  const std::vector<AuditEntry> entries = Chain(2);
  const std::string line = AuditEntryToJson(entries[1]);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Result<AuditEntry> parsed = AuditEntryFromJson(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->seq, 2);
  EXPECT_EQ(parsed->time_ms, 2);
  EXPECT_EQ(parsed->detail, entries[1].detail);
  EXPECT_EQ(parsed->prev_hash, entries[0].hash);
  EXPECT_EQ(parsed->hash, entries[1].hash);
  EXPECT_EQ(AuditHash(*parsed), parsed->hash);
}

TEST(AuditJsonTest, RejectsMalformedLinesWithAReason) {
  const std::string good = AuditEntryToJson(Chain(1)[0]);
  EXPECT_EQ(AuditEntryFromJson("{not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(AuditEntryFromJson("[1,2]").status().message(), HasSubstr("not a JSON object"));
  EXPECT_THAT(AuditEntryFromJson("{\"seq\":\"1\"}").status().message(), HasSubstr("'seq'"));
  std::string no_hash = good;
  no_hash.replace(no_hash.find("\"hash\""), 6, "\"hush\"");
  EXPECT_THAT(AuditEntryFromJson(no_hash).status().message(), HasSubstr("'hash'"));
}

}  // namespace
}  // namespace autotriage
