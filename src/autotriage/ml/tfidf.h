// TfidfFeaturizer: turns normalised ticket text into sparse TF-IDF vectors of word n-grams and
// character n-grams (taken within word boundaries), the features of the linear model.
//
// Fit learns the vocabulary (n-grams seen in at least min_df documents) and inverse document
// frequencies. Each block (words, characters) is L2-normalised separately, as two scikit-learn
// TfidfVectorizers joined by a FeatureUnion would be.
//
// Prediction speed matters (the whole single-ticket budget is 50 µs): every training word keeps
// a precomputed list of its character n-gram features, so a known word costs one hash lookup.
// Thread-safety: after Fit/Load the featurizer is immutable; Transform is safe from many threads.
// Errors: Load returns kCorruption for damaged bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autotriage/core/status.h"

namespace autotriage {

class BinaryReader;
class BinaryWriter;

struct TfidfOptions {
  int word_ngram_max = 2;          // 1 = unigrams, 2 = unigrams and bigrams
  int char_ngram_min = 2;          // character n-grams inside " word " (space padded)
  int char_ngram_max = 5;          // 0 disables character features
  int min_df = 2;                  // drop n-grams seen in fewer training documents
  bool sublinear_tf = true;        // use 1 + ln(tf) instead of raw counts
  double char_block_weight = 1.0;  // scale of the character block relative to the word block
};

// A sparse feature vector: indices strictly increasing.
struct SparseVector {
  std::vector<int32_t> index;
  std::vector<float> value;
};

// Which word of the input text a feature came from, for explanations.
struct FeatureOrigin {
  int32_t feature = 0;
  std::string text;   // the word, or "first second" for a bigram
  float share = 0.0;  // fraction of this feature's value owed to `text`
};

// The same attribution in compact form, filled by Transform for the prediction-time explanation:
// no string is built per occurrence. Token views point into the text given to Transform (keep it
// alive while the refs are used).
struct OriginRefs {
  struct Ref {
    int32_t feature = 0;
    int32_t first = 0;    // canonical token index (the first token with the same text)
    int32_t second = -1;  // canonical index of the bigram's second word, -1 otherwise
    int32_t entry = -1;   // index of `feature` in the vector Transform produced (Transform only)
  };
  std::vector<std::string_view> tokens;
  std::vector<Ref> refs;  // one per feature occurrence, in text order
};

class TfidfFeaturizer {
 public:
  TfidfFeaturizer();
  ~TfidfFeaturizer();
  TfidfFeaturizer(TfidfFeaturizer&&) noexcept;
  TfidfFeaturizer& operator=(TfidfFeaturizer&&) noexcept;

  // texts are normalised, space-separated tokens. `threads` > 1 parallelises counting.
  static TfidfFeaturizer Fit(const std::vector<std::string>& texts, const TfidfOptions& options);

  // sorted = false skips ordering the indices (scoring does not need it; training and
  // explanations do), which saves a sort per prediction.
  // `origins`, when given, also receives where each feature occurrence came from (same pass).
  void Transform(std::string_view normalized_text, SparseVector* out, bool sorted = true,
                 OriginRefs* origins = nullptr) const;

  // For each feature present in `normalized_text`: the words it came from and their shares, as
  // text (for inspection and tests; predictions use Transform's `origins`, which is cheaper).
  std::vector<FeatureOrigin> Origins(std::string_view normalized_text) const;

  int32_t feature_count() const;
  const TfidfOptions& options() const;
  // Identifies the vocabulary and weights (a hash of the serialised form): two featurizers with
  // the same fingerprint give the same features for every text, so heads that share one (see
  // HeadOptions::featurizer) can share one Transform per text.
  uint64_t fingerprint() const;

  void Save(BinaryWriter* writer) const;
  static Result<TfidfFeaturizer> Load(BinaryReader* reader);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace autotriage
