// Extractive summary of a ticket and its conversation: the sentences that carry most of the
// ticket's content, in their original order, without greetings, signatures or quoted replies.
//
// Sentences are scored by the summed TF-IDF weight of their words against the ticket itself
// (words repeated across messages count more), with a bonus for the subject's words and for the
// first message; the best ones are kept up to max_chars. Deterministic; never fails (an empty
// ticket gives an empty summary).
// Thread-safety: pure function.
#pragma once

#include <string>

#include "autotriage/core/ticket.h"

namespace autotriage {

struct SummaryOptions {
  int max_sentences = 3;
  size_t max_chars = 400;
};

std::string SummarizeTicket(const Ticket& ticket, const SummaryOptions& options = {});

}  // namespace autotriage
