#include "autotriage/ml/tfidf.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "autotriage/ml/binary_io.h"
#include "autotriage/ml/flat_index.h"

namespace autotriage {
namespace {

constexpr uint32_t kFormatVersion = 1;

uint64_t Mix(uint64_t x) {
  // splitmix64 finaliser: spreads FNV's weak low bits before the value is used as a map key.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = 14695981039346656037ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return Mix(h);
}

// 64-bit FNV-1a over 8-byte words (then the tail): the serialised featurizer is tens of MB
// and is hashed at every model load, so byte-wise hashing would cost noticeably.
uint64_t FingerprintOf(std::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, 8);
    h ^= word;
    h *= 1099511628211ULL;
  }
  for (; i < bytes.size(); ++i) {
    h ^= static_cast<unsigned char>(bytes[i]);
    h *= 1099511628211ULL;
  }
  return Mix(h ^ bytes.size());
}

uint64_t WordHash(std::string_view w) {
  return HashBytes(w, 0x77);
}
uint64_t CharHash(std::string_view g) {
  return HashBytes(g, 0x63);
}
uint64_t BigramKey(uint64_t first, uint64_t second) {
  return Mix(first * 0x9e3779b97f4a7c15ULL ^ (second + 0x632be59bd9b4e019ULL));
}

// 1 + ln(tf), from a table for the small counts that make up nearly all terms.
float SublinearTf(float tf) {
  static const auto kTable = [] {
    std::array<float, 64> table{};
    for (size_t i = 1; i < table.size(); ++i) {
      table[i] = 1.0f + std::log(static_cast<float>(i));
    }
    return table;
  }();
  const auto count = static_cast<size_t>(tf);
  return count < kTable.size() ? kTable[count] : 1.0f + std::log(tf);
}

void SplitTokens(std::string_view text, std::vector<std::string_view>* tokens) {
  tokens->clear();
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
    size_t start = i;
    while (i < text.size() && text[i] != ' ') {
      ++i;
    }
    if (i > start) {
      tokens->push_back(text.substr(start, i - start));
    }
  }
}

// Splits `text` into out->tokens (clearing out->refs) and maps each token to the first token
// with the same text, so that repeated words count as one origin (as Origins keys by text).
void CanonicalTokens(std::string_view text, OriginRefs* out, std::vector<int32_t>* canonical) {
  out->tokens.clear();
  out->refs.clear();
  SplitTokens(text, &out->tokens);
  canonical->resize(out->tokens.size());
  if (out->tokens.size() > 128) {
    std::unordered_map<std::string_view, int32_t> first_index;
    first_index.reserve(out->tokens.size());
    for (size_t t = 0; t < out->tokens.size(); ++t) {
      (*canonical)[t] = first_index.emplace(out->tokens[t], static_cast<int32_t>(t)).first->second;
    }
    return;
  }
  // Most tickets are short: a scan of the earlier tokens beats hashing them.
  for (size_t t = 0; t < out->tokens.size(); ++t) {
    (*canonical)[t] = static_cast<int32_t>(t);
    for (size_t e = 0; e < t; ++e) {
      if (out->tokens[e] == out->tokens[t]) {
        (*canonical)[t] = (*canonical)[e];
        break;
      }
    }
  }
}

// Calls emit(ngram) for each character n-gram of " word " with lengths in [lo, hi], counted in
// code points so multi-byte letters are never split.
template <typename Emit>
void ForEachCharNgram(std::string_view word, int lo, int hi, std::string* padded,
                      std::vector<uint32_t>* starts, Emit emit) {
  padded->assign(" ");
  padded->append(word);
  padded->push_back(' ');
  starts->clear();
  for (uint32_t i = 0; i < padded->size(); ++i) {
    if ((static_cast<unsigned char>((*padded)[i]) & 0xC0) != 0x80) {
      starts->push_back(i);
    }
  }
  const int points = static_cast<int>(starts->size());
  starts->push_back(static_cast<uint32_t>(padded->size()));
  for (int n = lo; n <= hi; ++n) {
    for (int s = 0; s + n <= points; ++s) {
      uint32_t b = (*starts)[s];
      uint32_t e = (*starts)[s + n];
      emit(std::string_view(padded->data() + b, e - b));
    }
  }
}

}  // namespace

struct TfidfFeaturizer::State {
  TfidfOptions options;
  int32_t word_block_size = 0;  // features [0, word_block_size) are word n-grams
  std::vector<float> idf;
  std::vector<std::string> names;
  // Every training word: its unigram feature (or -1) and its character n-gram features.
  FlatIndex word_entries;
  uint64_t fingerprint = 0;
  std::vector<int32_t> word_unigram;
  std::vector<uint32_t> word_char_begin;  // CSR offsets, size words + 1
  std::vector<int32_t> word_char_features;
  FlatIndex bigram_features;
  FlatIndex char_features;  // for words unseen in training

  // Adds raw term counts of `text` to `counts` (feature, count) and optionally records origins.
  template <typename Add>
  void Count(std::string_view text, Add add) const;
};

template <typename Add>
void TfidfFeaturizer::State::Count(std::string_view text, Add add) const {
  thread_local std::vector<std::string_view> tokens;
  thread_local std::string padded;
  thread_local std::vector<uint32_t> starts;
  SplitTokens(text, &tokens);
  uint64_t previous_hash = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    std::string_view token = tokens[t];
    uint64_t h = WordHash(token);
    if (const int32_t w = word_entries.Find(h); w >= 0) {
      if (word_unigram[w] >= 0) {
        add(word_unigram[w], static_cast<int>(t), -1);
      }
      for (uint32_t k = word_char_begin[w]; k < word_char_begin[w + 1]; ++k) {
        add(word_char_features[k], static_cast<int>(t), -1);
      }
    } else if (options.char_ngram_max > 0) {
      ForEachCharNgram(token, options.char_ngram_min, options.char_ngram_max, &padded, &starts,
                       [&](std::string_view gram) {
                         if (const int32_t c = char_features.Find(CharHash(gram)); c >= 0) {
                           add(c, static_cast<int>(t), -1);
                         }
                       });
    }
    if (t > 0 && options.word_ngram_max >= 2) {
      if (const int32_t b = bigram_features.Find(BigramKey(previous_hash, h)); b >= 0) {
        add(b, static_cast<int>(t) - 1, static_cast<int>(t));
      }
    }
    previous_hash = h;
  }
}

TfidfFeaturizer::TfidfFeaturizer() : state_(std::make_unique<State>()) {}
TfidfFeaturizer::~TfidfFeaturizer() = default;
TfidfFeaturizer::TfidfFeaturizer(TfidfFeaturizer&&) noexcept = default;
TfidfFeaturizer& TfidfFeaturizer::operator=(TfidfFeaturizer&&) noexcept = default;

int32_t TfidfFeaturizer::feature_count() const {
  return static_cast<int32_t>(state_->idf.size());
}
const TfidfOptions& TfidfFeaturizer::options() const {
  return state_->options;
}
uint64_t TfidfFeaturizer::fingerprint() const {
  return state_->fingerprint;
}

TfidfFeaturizer TfidfFeaturizer::Fit(const std::vector<std::string>& texts,
                                     const TfidfOptions& options) {
  TfidfFeaturizer result;
  State& st = *result.state_;
  st.options = options;
  const int64_t n_docs = static_cast<int64_t>(texts.size());

  // 1. Distinct words and each document's word sequence.
  std::unordered_map<uint64_t, int32_t> word_index;
  std::vector<std::string> words;
  std::vector<uint64_t> word_hashes;
  std::vector<std::vector<int32_t>> doc_words(texts.size());
  std::vector<std::string_view> tokens;
  for (size_t d = 0; d < texts.size(); ++d) {
    SplitTokens(texts[d], &tokens);
    doc_words[d].reserve(tokens.size());
    for (std::string_view tok : tokens) {
      uint64_t h = WordHash(tok);
      auto [it, inserted] = word_index.try_emplace(h, static_cast<int32_t>(words.size()));
      if (inserted) {
        words.emplace_back(tok);
        word_hashes.push_back(h);
      }
      doc_words[d].push_back(it->second);
    }
  }
  const size_t n_words = words.size();

  // 2. Document frequencies of unigrams and bigrams.
  std::vector<int32_t> word_df(n_words, 0);
  std::vector<int32_t> word_last(n_words, -1);
  std::unordered_map<uint64_t, int32_t> bigram_index;
  std::vector<std::pair<int32_t, int32_t>> bigram_words;
  std::vector<int32_t> bigram_df;
  std::vector<int32_t> bigram_last;
  for (int32_t d = 0; d < n_docs; ++d) {
    const auto& seq = doc_words[d];
    for (size_t i = 0; i < seq.size(); ++i) {
      if (word_last[seq[i]] != d) {
        word_last[seq[i]] = d;
        ++word_df[seq[i]];
      }
      if (i > 0 && options.word_ngram_max >= 2) {
        uint64_t key = BigramKey(word_hashes[seq[i - 1]], word_hashes[seq[i]]);
        auto [it, inserted] = bigram_index.try_emplace(key, static_cast<int32_t>(bigram_df.size()));
        if (inserted) {
          bigram_words.emplace_back(seq[i - 1], seq[i]);
          bigram_df.push_back(0);
          bigram_last.push_back(-1);
        }
        if (bigram_last[it->second] != d) {
          bigram_last[it->second] = d;
          ++bigram_df[it->second];
        }
      }
    }
  }

  // 3. Character n-grams of each distinct word, then their document frequencies.
  std::unordered_map<uint64_t, int32_t> gram_index;
  std::vector<std::string> gram_text;
  std::vector<uint32_t> gram_begin(n_words + 1, 0);
  std::vector<int32_t> gram_list;
  if (options.char_ngram_max > 0) {
    std::string padded;
    std::vector<uint32_t> starts;
    for (size_t w = 0; w < n_words; ++w) {
      gram_begin[w] = static_cast<uint32_t>(gram_list.size());
      ForEachCharNgram(words[w], options.char_ngram_min, options.char_ngram_max, &padded, &starts,
                       [&](std::string_view gram) {
                         auto [it, inserted] = gram_index.try_emplace(
                             CharHash(gram), static_cast<int32_t>(gram_text.size()));
                         if (inserted) {
                           gram_text.emplace_back(gram);
                         }
                         gram_list.push_back(it->second);
                       });
    }
  }
  gram_begin[n_words] = static_cast<uint32_t>(gram_list.size());
  std::vector<int32_t> gram_df(gram_text.size(), 0);
  std::vector<int32_t> gram_last(gram_text.size(), -1);
  std::fill(word_last.begin(), word_last.end(), -1);
  for (int32_t d = 0; d < n_docs; ++d) {
    for (int32_t w : doc_words[d]) {
      if (word_last[w] == d) {
        continue;
      }
      word_last[w] = d;
      for (uint32_t k = gram_begin[w]; k < gram_begin[w + 1]; ++k) {
        int32_t g = gram_list[k];
        if (gram_last[g] != d) {
          gram_last[g] = d;
          ++gram_df[g];
        }
      }
    }
  }

  // 4. Keep n-grams seen in at least min_df documents: unigrams, bigrams, then characters.
  auto idf_of = [&](int32_t df) {
    return static_cast<float>(std::log((1.0 + n_docs) / (1.0 + df)) + 1.0);
  };
  std::vector<int32_t> unigram_feature(n_words, -1);
  for (size_t w = 0; w < n_words; ++w) {
    if (word_df[w] >= options.min_df) {
      unigram_feature[w] = static_cast<int32_t>(st.idf.size());
      st.idf.push_back(idf_of(word_df[w]));
      st.names.push_back(words[w]);
    }
  }
  for (const auto& [key, b] : bigram_index) {
    if (bigram_df[b] >= options.min_df) {
      st.bigram_features.Insert(key, static_cast<int32_t>(st.idf.size()));
      st.idf.push_back(idf_of(bigram_df[b]));
      st.names.push_back(words[bigram_words[b].first] + " " + words[bigram_words[b].second]);
    }
  }
  st.word_block_size = static_cast<int32_t>(st.idf.size());
  std::vector<int32_t> gram_feature(gram_text.size(), -1);
  for (const auto& [key, g] : gram_index) {
    if (gram_df[g] >= options.min_df) {
      gram_feature[g] = static_cast<int32_t>(st.idf.size());
      st.char_features.Insert(key, gram_feature[g]);
      st.idf.push_back(idf_of(gram_df[g]));
      st.names.push_back(gram_text[g]);
    }
  }

  // 5. The per-word table used at prediction time.
  st.word_unigram = std::move(unigram_feature);
  st.word_char_begin.assign(n_words + 1, 0);
  for (size_t w = 0; w < n_words; ++w) {
    st.word_entries.Insert(word_hashes[w], static_cast<int32_t>(w));
    st.word_char_begin[w] = static_cast<uint32_t>(st.word_char_features.size());
    for (uint32_t k = gram_begin[w]; k < gram_begin[w + 1]; ++k) {
      if (gram_feature[gram_list[k]] >= 0) {
        st.word_char_features.push_back(gram_feature[gram_list[k]]);
      }
    }
  }
  st.word_char_begin[n_words] = static_cast<uint32_t>(st.word_char_features.size());
  BinaryWriter serialised;
  result.Save(&serialised);
  st.fingerprint = FingerprintOf(serialised.bytes());
  return result;
}

void TfidfFeaturizer::Transform(std::string_view normalized_text, SparseVector* out, bool sorted,
                                OriginRefs* origins) const {
  const State& st = *state_;
  thread_local std::vector<float> counts;
  thread_local std::vector<int32_t> touched;
  if (counts.size() < st.idf.size()) {
    counts.assign(st.idf.size(), 0.0f);
  }
  touched.clear();
  thread_local std::vector<int32_t> canonical;
  thread_local std::vector<float> tf_of;
  if (origins != nullptr) {
    CanonicalTokens(normalized_text, origins, &canonical);
  }
  st.Count(normalized_text, [&](int32_t feature, int first, int second) {
    if (counts[feature] == 0.0f) {
      touched.push_back(feature);
    }
    counts[feature] += 1.0f;
    if (origins != nullptr) {
      origins->refs.push_back({feature, canonical[first], second >= 0 ? canonical[second] : -1});
    }
  });
  if (sorted) {
    std::sort(touched.begin(), touched.end());
  }
  out->index.assign(touched.begin(), touched.end());
  out->value.resize(touched.size());
  double word_norm = 0.0;
  double char_norm = 0.0;
  if (origins != nullptr) {
    // Entry positions through the dense counts array, before it is cleared below.
    for (size_t i = 0; i < touched.size(); ++i) {
      tf_of.push_back(counts[touched[i]]);
      counts[touched[i]] = static_cast<float>(i);
    }
    for (OriginRefs::Ref& ref : origins->refs) {
      ref.entry = static_cast<int32_t>(counts[ref.feature]);
    }
    for (size_t i = 0; i < touched.size(); ++i) {
      counts[touched[i]] = tf_of[i];
    }
    tf_of.clear();
  }
  for (size_t i = 0; i < touched.size(); ++i) {
    int32_t f = touched[i];
    float tf = counts[f];
    counts[f] = 0.0f;
    float v = (st.options.sublinear_tf ? SublinearTf(tf) : tf) * st.idf[f];
    out->value[i] = v;
    if (f < st.word_block_size) {
      word_norm += static_cast<double>(v) * v;
    } else {
      char_norm += static_cast<double>(v) * v;
    }
  }
  const float word_scale = word_norm > 0 ? static_cast<float>(1.0 / std::sqrt(word_norm)) : 0.0f;
  const float char_scale =
      char_norm > 0 ? static_cast<float>(st.options.char_block_weight / std::sqrt(char_norm))
                    : 0.0f;
  for (size_t i = 0; i < touched.size(); ++i) {
    out->value[i] *= out->index[i] < st.word_block_size ? word_scale : char_scale;
  }
}

std::vector<FeatureOrigin> TfidfFeaturizer::Origins(std::string_view normalized_text) const {
  const State& st = *state_;
  std::vector<std::string_view> tokens;
  SplitTokens(normalized_text, &tokens);
  // feature -> (origin text -> count)
  std::unordered_map<int32_t, std::vector<std::pair<std::string, int>>> by_feature;
  st.Count(normalized_text, [&](int32_t feature, int first, int second) {
    std::string text(tokens[first]);
    if (second >= 0) {
      text += " ";
      text += tokens[second];
    }
    auto& list = by_feature[feature];
    for (auto& [existing, count] : list) {
      if (existing == text) {
        ++count;
        return;
      }
    }
    list.emplace_back(std::move(text), 1);
  });
  std::vector<FeatureOrigin> origins;
  for (auto& [feature, list] : by_feature) {
    int total = 0;
    for (const auto& entry : list) {
      total += entry.second;
    }
    for (auto& [text, count] : list) {
      origins.push_back({feature, text, static_cast<float>(count) / static_cast<float>(total)});
    }
  }
  std::sort(origins.begin(), origins.end(), [](const FeatureOrigin& a, const FeatureOrigin& b) {
    return a.feature != b.feature ? a.feature < b.feature : a.text < b.text;
  });
  return origins;
}

namespace {

void SaveMap(const FlatIndex& map, BinaryWriter* writer) {
  std::vector<std::pair<uint64_t, int32_t>> sorted = map.Entries();
  std::sort(sorted.begin(), sorted.end());  // deterministic bytes for identical models
  std::vector<uint64_t> keys;
  std::vector<int32_t> values;
  keys.reserve(sorted.size());
  values.reserve(sorted.size());
  for (const auto& [k, v] : sorted) {
    keys.push_back(k);
    values.push_back(v);
  }
  writer->U64Vector(keys);
  writer->I32Vector(values);
}

bool LoadMap(BinaryReader* reader, int32_t limit, FlatIndex* map) {
  std::vector<uint64_t> keys = reader->U64Vector();
  std::vector<int32_t> values = reader->I32Vector();
  if (!reader->ok() || keys.size() != values.size()) {
    return false;
  }
  map->Reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (values[i] < 0 || values[i] >= limit) {
      return false;
    }
    map->Insert(keys[i], values[i]);
  }
  return true;
}

}  // namespace

void TfidfFeaturizer::Save(BinaryWriter* writer) const {
  const State& st = *state_;
  writer->U32(kFormatVersion);
  writer->I32(st.options.word_ngram_max);
  writer->I32(st.options.char_ngram_min);
  writer->I32(st.options.char_ngram_max);
  writer->I32(st.options.min_df);
  writer->U32(st.options.sublinear_tf ? 1 : 0);
  writer->F64(st.options.char_block_weight);
  writer->I32(st.word_block_size);
  writer->F32Vector(st.idf);
  writer->StrVector(st.names);
  SaveMap(st.word_entries, writer);
  writer->I32Vector(st.word_unigram);
  writer->U32Vector(st.word_char_begin);
  writer->I32Vector(st.word_char_features);
  SaveMap(st.bigram_features, writer);
  SaveMap(st.char_features, writer);
}

Result<TfidfFeaturizer> TfidfFeaturizer::Load(BinaryReader* reader) {
  TfidfFeaturizer result;
  State& st = *result.state_;
  const size_t start = reader->offset();
  uint32_t version = reader->U32();
  if (reader->ok() && version != kFormatVersion) {
    return Corruption("feature block has version " + std::to_string(version) + ", expected " +
                      std::to_string(kFormatVersion));
  }
  st.options.word_ngram_max = reader->I32();
  st.options.char_ngram_min = reader->I32();
  st.options.char_ngram_max = reader->I32();
  st.options.min_df = reader->I32();
  st.options.sublinear_tf = reader->U32() != 0;
  st.options.char_block_weight = reader->F64();
  st.word_block_size = reader->I32();
  st.idf = reader->F32Vector();
  st.names = reader->StrVector();
  const auto n_features = static_cast<int32_t>(st.idf.size());
  bool maps_ok = LoadMap(reader, INT32_MAX, &st.word_entries);
  st.word_unigram = reader->I32Vector();
  st.word_char_begin = reader->U32Vector();
  st.word_char_features = reader->I32Vector();
  maps_ok = maps_ok && LoadMap(reader, n_features, &st.bigram_features) &&
            LoadMap(reader, n_features, &st.char_features);
  bool consistent = reader->ok() && maps_ok && st.names.size() == st.idf.size() &&
                    st.word_block_size >= 0 && st.word_block_size <= n_features &&
                    st.word_char_begin.size() == st.word_unigram.size() + 1 &&
                    st.word_char_begin.back() == st.word_char_features.size() &&
                    st.options.char_ngram_min >= 1 && st.options.char_ngram_max <= 16;
  for (size_t i = 0; consistent && i + 1 < st.word_char_begin.size(); ++i) {
    consistent = st.word_char_begin[i] <= st.word_char_begin[i + 1];
  }
  for (const auto& [key, w] : st.word_entries.Entries()) {
    if (!consistent || w >= static_cast<int32_t>(st.word_unigram.size())) {
      consistent = false;
      break;
    }
  }
  for (int32_t f : st.word_unigram) {
    consistent = consistent && f < n_features;
  }
  for (int32_t f : st.word_char_features) {
    consistent = consistent && f >= 0 && f < n_features;
  }
  if (!consistent) {
    return Corruption("feature block is truncated or inconsistent");
  }
  st.fingerprint = FingerprintOf(reader->ReadSince(start));
  return result;
}

}  // namespace autotriage
