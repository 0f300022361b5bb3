// Dense vectors of the KB index: fastText skip-gram word vectors trained in-process on the
// indexed stems (plus extra text such as ticket history), document vectors as IDF-weighted means.
#include <fasttext/args.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "autotriage/knowledge/kb_index_impl.h"
#include "autotriage/knowledge/kb_sqlite.h"
#include "autotriage/knowledge/kb_terms.h"

namespace autotriage::kb_internal {
namespace {

// Training cost grows with tokens x epochs; a large index gets fewer epochs so that a sync of
// 10,000 articles trains in well under a minute on one thread. Small KBs keep all epochs.
constexpr double kTrainingTokenBudget = 8e6;
constexpr int kSeed = 1234;

// A private temporary folder removed with its contents.
class TempFolder {
 public:
  TempFolder() = default;
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  Status Create() {
    std::error_code error;
    const std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error) {
      return IoError("no temporary folder for KB vectors: " + error.message());
    }
    std::string pattern = (base / "autotriage-kbvec-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return IoError("cannot create a temporary folder under " + base.string() + ": " +
                     std::strerror(errno));
    }
    path_ = pattern;
    return Status::Ok();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    words.push_back(word);
  }
  return words;
}

struct DocTerms {
  int64_t rowid;
  std::vector<std::string> terms;  // title and body stems (not linked text)
};

Status ReadDocTerms(sqlite3* db, std::vector<DocTerms>* out) {
  Statement rows(db, "SELECT rowid, title, body FROM terms ORDER BY rowid");
  AUTOTRIAGE_RETURN_IF_ERROR(rows.status("KB vectors"));
  out->clear();
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) {
    DocTerms doc{rows.Int(0), SplitSpaces(rows.Text(1))};
    std::vector<std::string> body = SplitSpaces(rows.Text(2));
    doc.terms.insert(doc.terms.end(), body.begin(), body.end());
    out->push_back(std::move(doc));
  }
  if (rc != SQLITE_DONE) {
    return IoError(std::string("cannot read the KB index terms: ") + sqlite3_errmsg(db));
  }
  return Status::Ok();
}

void Normalize(std::vector<float>* vector) {
  double norm = 0;
  for (float x : *vector) {
    norm += static_cast<double>(x) * x;
  }
  if (norm <= 0) {
    return;
  }
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : *vector) {
    x *= scale;
  }
}

// Skip-gram vectors share a large common direction (all of them drift the same way from their
// random start), which makes every cosine close to 1. Subtracting the mean word vector leaves
// the part that tells words apart.
void CenterWordVectors(std::vector<std::pair<std::string, std::vector<float>>>* word_vectors) {
  if (word_vectors->empty()) {
    return;
  }
  std::vector<double> mean(word_vectors->front().second.size(), 0.0);
  for (const auto& [word, vector] : *word_vectors) {
    for (size_t d = 0; d < vector.size(); ++d) {
      mean[d] += vector[d];
    }
  }
  for (double& m : mean) {
    m /= static_cast<double>(word_vectors->size());
  }
  for (auto& [word, vector] : *word_vectors) {
    for (size_t d = 0; d < vector.size(); ++d) {
      vector[d] = static_cast<float>(vector[d] - mean[d]);
    }
  }
}

}  // namespace

bool DenseVectors::Embed(const std::vector<std::string>& terms, std::vector<float>* out) const {
  out->assign(static_cast<size_t>(dim), 0.0f);
  bool any = false;
  for (const std::string& term : terms) {
    auto it = word_row.find(term);
    if (it == word_row.end()) {
      continue;
    }
    const float* row = &words[static_cast<size_t>(it->second) * dim];
    for (int d = 0; d < dim; ++d) {
      (*out)[d] += row[d];
    }
    any = true;
  }
  if (!any) {
    return false;
  }
  Normalize(out);
  return true;
}

void DenseVectors::SetDoc(int64_t rowid, const std::vector<float>& vector) {
  auto it = doc_slot.find(rowid);
  size_t slot;
  if (it == doc_slot.end()) {
    slot = doc_rowids.size();
    doc_rowids.push_back(rowid);
    doc_slot.emplace(rowid, static_cast<uint32_t>(slot));
    docs.resize(docs.size() + dim);
  } else {
    slot = it->second;
  }
  std::copy(vector.begin(), vector.end(), docs.begin() + static_cast<ptrdiff_t>(slot * dim));
}

void DenseVectors::RemoveDoc(int64_t rowid) {
  auto it = doc_slot.find(rowid);
  if (it == doc_slot.end()) {
    return;
  }
  const size_t slot = it->second;
  const size_t last = doc_rowids.size() - 1;
  if (slot != last) {
    std::copy(docs.begin() + static_cast<ptrdiff_t>(last * dim),
              docs.begin() + static_cast<ptrdiff_t>((last + 1) * dim),
              docs.begin() + static_cast<ptrdiff_t>(slot * dim));
    doc_rowids[slot] = doc_rowids[last];
    doc_slot[doc_rowids[slot]] = static_cast<uint32_t>(slot);
  }
  doc_rowids.pop_back();
  docs.resize(last * dim);
  doc_slot.erase(rowid);
}

Status SqliteKbIndex::LoadVectors() {
  DenseVectors dense;
  Statement words(writer_.db, "SELECT word, idf, vector FROM word_vectors");
  AUTOTRIAGE_RETURN_IF_ERROR(words.status("KB index " + path_));
  while (words.Step() == SQLITE_ROW) {
    const std::string_view blob = words.Blob(2);
    const int dim = static_cast<int>(blob.size() / sizeof(float));
    if (dim == 0 || blob.size() % sizeof(float) != 0 || (dense.dim != 0 && dim != dense.dim)) {
      return Corruption("KB index " + path_ + ": word vector of '" + words.Text(0) +
                        "' has a bad size");
    }
    dense.dim = dim;
    const float idf = static_cast<float>(words.Double(1));
    const size_t row = dense.word_row.size();
    dense.word_row.emplace(words.Text(0), static_cast<uint32_t>(row));
    dense.words.resize((row + 1) * dim);
    std::memcpy(&dense.words[row * dim], blob.data(), blob.size());
    for (int d = 0; d < dim; ++d) {
      dense.words[row * dim + d] *= idf;
    }
  }
  Statement docs(writer_.db, "SELECT rowid, vector FROM documents WHERE vector IS NOT NULL");
  AUTOTRIAGE_RETURN_IF_ERROR(docs.status("KB index " + path_));
  std::vector<float> vector;
  while (docs.Step() == SQLITE_ROW) {
    const std::string_view blob = docs.Blob(1);
    if (dense.dim == 0 || blob.size() != static_cast<size_t>(dense.dim) * sizeof(float)) {
      return Corruption("KB index " + path_ + ": a document vector has a bad size");
    }
    vector.resize(static_cast<size_t>(dense.dim));
    std::memcpy(vector.data(), blob.data(), blob.size());
    dense.SetDoc(docs.Int(0), vector);
  }
  dense_ = std::move(dense);
  return Status::Ok();
}

Status SqliteKbIndex::BuildVectors(const std::vector<std::string>& extra_corpus) {
  if (options_.vector_dim <= 0 || options_.vector_epochs <= 0) {
    return InvalidArgument("KB vectors need vector_dim > 0 and vector_epochs > 0");
  }
  std::vector<DocTerms> docs;
  {
    std::shared_lock<std::shared_mutex> lock(state_mutex_);
    Result<PooledConnection> connection = AcquireReader();
    if (!connection.ok()) {
      return connection.status();
    }
    AUTOTRIAGE_RETURN_IF_ERROR(ReadDocTerms((*connection)->db, &docs));
  }
  // Train outside the lock: searches go on with the old vectors meanwhile.
  std::unordered_map<std::string, int> document_frequency;
  std::vector<std::pair<std::string, std::vector<float>>> word_vectors;
  if (docs.size() >= 2) {
    TempFolder folder;
    AUTOTRIAGE_RETURN_IF_ERROR(folder.Create());
    const std::filesystem::path corpus_path = folder.path() / "corpus.txt";
    double tokens = 0;
    {
      std::ofstream out(corpus_path, std::ios::binary);
      for (const DocTerms& doc : docs) {
        out << JoinTerms(doc.terms) << '\n';
        tokens += static_cast<double>(doc.terms.size());
        std::unordered_set<std::string_view> seen(doc.terms.begin(), doc.terms.end());
        for (std::string_view term : seen) {
          ++document_frequency[std::string(term)];
        }
      }
      for (const std::string& text : extra_corpus) {
        const std::vector<std::string> terms = Terms(text, options_.default_language);
        out << JoinTerms(terms) << '\n';
        tokens += static_cast<double>(terms.size());
      }
      out.close();
      if (!out) {
        return IoError("cannot write the KB vector training file " + corpus_path.string());
      }
    }
    fasttext::Args args;  // defaults are the unsupervised ones; every relevant field is set
    args.input = corpus_path.string();
    args.output.clear();
    args.model = fasttext::model_name::sg;
    args.loss = fasttext::loss_name::ns;
    args.neg = 5;
    args.ws = 5;
    args.minCount = 1;
    args.minn = 0;  // no subwords: stems are already normalised, and lookups stay exact
    args.maxn = 0;
    args.bucket = 0;
    args.wordNgrams = 1;
    args.dim = options_.vector_dim;
    args.epoch = std::clamp(static_cast<int>(kTrainingTokenBudget / std::max(tokens, 1.0)), 1,
                            options_.vector_epochs);
    args.lr = 0.05;
    args.thread = 1;
    args.seed = kSeed;
    args.verbose = 0;
    args.saveOutput = false;
    args.pretrainedVectors.clear();
    try {
      fasttext::FastText model;
      model.train(args);
      std::shared_ptr<const fasttext::Dictionary> dictionary = model.getDictionary();
      fasttext::Vector vector(options_.vector_dim);
      for (int32_t i = 0; i < dictionary->nwords(); ++i) {
        std::string word = dictionary->getWord(i);
        if (word == fasttext::Dictionary::EOS) {
          continue;
        }
        model.getWordVector(vector, word);
        word_vectors.emplace_back(std::move(word),
                                  std::vector<float>(vector.data(), vector.data() + vector.size()));
      }
    } catch (const std::invalid_argument& e) {
      return InvalidArgument(std::string("KB vector training failed: ") + e.what());
    } catch (const std::bad_alloc&) {
      return ResourceExhausted("KB vector training ran out of memory; lower vector_dim");
    } catch (const std::exception& e) {
      return Internal(std::string("KB vector training failed: ") + e.what());
    }
  }

  CenterWordVectors(&word_vectors);

  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  DenseVectors dense;
  dense.dim = options_.vector_dim;
  Status status = Exec("DELETE FROM word_vectors");
  if (status.ok()) {
    status = Exec("UPDATE documents SET vector = NULL WHERE vector IS NOT NULL");
  }
  {
    Statement insert(writer_.db, "INSERT INTO word_vectors(word, idf, vector) VALUES (?1, ?2, ?3)");
    const double n = static_cast<double>(docs.size());
    for (size_t i = 0; i < word_vectors.size() && status.ok(); ++i) {
      const auto& [word, vector] = word_vectors[i];
      auto df = document_frequency.find(word);
      // Words seen only in the extra corpus count as rare (df 1).
      const double idf = std::log(1.0 + n / (df == document_frequency.end() ? 1 : df->second));
      insert.Reset();
      insert.Bind(1, word);
      insert.BindDouble(2, idf);
      insert.BindBlob(3, vector.data(), vector.size() * sizeof(float));
      if (insert.Step() != SQLITE_DONE) {
        status = SqlError("cannot store KB word vectors");
      }
      dense.word_row.emplace(word, static_cast<uint32_t>(i));
      for (float x : vector) {
        dense.words.push_back(static_cast<float>(x * idf));
      }
    }
  }
  if (status.ok() && !dense.empty()) {
    // Documents as they are now: some may have changed while the vectors were trained.
    status = ReadDocTerms(writer_.db, &docs);
    Statement update(writer_.db, "UPDATE documents SET vector = ?2 WHERE rowid = ?1");
    std::vector<float> vector;
    for (size_t i = 0; i < docs.size() && status.ok(); ++i) {
      if (!dense.Embed(docs[i].terms, &vector)) {
        continue;
      }
      update.Reset();
      update.Bind(1, docs[i].rowid);
      update.BindBlob(2, vector.data(), vector.size() * sizeof(float));
      if (update.Step() != SQLITE_DONE) {
        status = SqlError("cannot store KB document vectors");
      }
      dense.SetDoc(docs[i].rowid, vector);
    }
  }
  if (!status.ok()) {
    (void)Exec("ROLLBACK");
    return status;
  }
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("COMMIT"));
  dense_ = std::move(dense);
  return Status::Ok();
}

}  // namespace autotriage::kb_internal
