#include "autotriage/ml/head_settings.h"

#include <nlohmann/json.hpp>

namespace autotriage {
namespace {

// Reads `key` of `object` into `out` when present; a wrong type is an error naming the key.
template <typename T>
void ReadKey(const nlohmann::json& object, const char* section, const char* key, T* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return;
  }
  try {
    *out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string(section) + "." + key + " has the wrong type");
  }
}

}  // namespace

std::string HeadSettingsJson(const HeadOptions& o) {
  nlohmann::json j;
  j["tfidf"] = {{"word_ngram_max", o.tfidf.word_ngram_max},
                {"char_ngram_min", o.tfidf.char_ngram_min},
                {"char_ngram_max", o.tfidf.char_ngram_max},
                {"min_df", o.tfidf.min_df},
                {"sublinear_tf", o.tfidf.sublinear_tf}};
  j["linear"] = {{"loss", o.linear.loss == LinearLoss::kLogistic ? "logistic" : "squared_hinge"},
                 {"c", o.linear.c},
                 {"epsilon", o.linear.epsilon}};
  j["fasttext"] = {{"enabled", o.use_fasttext},
                   {"dim", o.fasttext.dim},
                   {"epochs", o.fasttext.epochs},
                   {"learning_rate", o.fasttext.learning_rate},
                   {"word_ngrams", o.fasttext.word_ngrams},
                   {"buckets", o.fasttext.buckets}};
  j["validation_fraction"] = o.validation_fraction;
  j["target_precision"] = o.target_precision;
  j["min_examples_per_class"] = o.min_examples_per_class;
  j["seed"] = o.seed;
  return j.dump();
}

Result<HeadOptions> HeadOptionsFromSettingsJson(const std::string& text) {
  HeadOptions o;
  const nlohmann::json j =
      nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return InvalidArgument("the model's training settings are not a JSON object");
  }
  try {
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& tfidf = j.contains("tfidf") ? j["tfidf"] : empty;
    ReadKey(tfidf, "tfidf", "word_ngram_max", &o.tfidf.word_ngram_max);
    ReadKey(tfidf, "tfidf", "char_ngram_min", &o.tfidf.char_ngram_min);
    ReadKey(tfidf, "tfidf", "char_ngram_max", &o.tfidf.char_ngram_max);
    ReadKey(tfidf, "tfidf", "min_df", &o.tfidf.min_df);
    ReadKey(tfidf, "tfidf", "sublinear_tf", &o.tfidf.sublinear_tf);
    const nlohmann::json& linear = j.contains("linear") ? j["linear"] : empty;
    std::string loss;
    ReadKey(linear, "linear", "loss", &loss);
    if (loss == "logistic") {
      o.linear.loss = LinearLoss::kLogistic;
    }
    ReadKey(linear, "linear", "c", &o.linear.c);
    ReadKey(linear, "linear", "epsilon", &o.linear.epsilon);
    const nlohmann::json& fasttext = j.contains("fasttext") ? j["fasttext"] : empty;
    ReadKey(fasttext, "fasttext", "enabled", &o.use_fasttext);
    ReadKey(fasttext, "fasttext", "dim", &o.fasttext.dim);
    ReadKey(fasttext, "fasttext", "epochs", &o.fasttext.epochs);
    ReadKey(fasttext, "fasttext", "learning_rate", &o.fasttext.learning_rate);
    ReadKey(fasttext, "fasttext", "word_ngrams", &o.fasttext.word_ngrams);
    ReadKey(fasttext, "fasttext", "buckets", &o.fasttext.buckets);
    ReadKey(j, "settings", "validation_fraction", &o.validation_fraction);
    ReadKey(j, "settings", "target_precision", &o.target_precision);
    ReadKey(j, "settings", "min_examples_per_class", &o.min_examples_per_class);
    ReadKey(j, "settings", "seed", &o.seed);
  } catch (const std::invalid_argument& e) {
    return InvalidArgument(std::string("the model's training settings: ") + e.what());
  }
  o.linear.seed = static_cast<unsigned>(o.seed);
  o.fasttext.seed = static_cast<int>(o.seed);
  return o;
}

}  // namespace autotriage
