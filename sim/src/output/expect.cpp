#include "output/expect.hpp"

#include <fmt/format.h>

#include <cmath>

namespace distlab::sim::engine {
namespace {
using json = nlohmann::ordered_json;

// Keys available at `node`, for the error message.
std::string keys_of(const json& node) {
  if (node.is_array())
    return node.empty() ? std::string("an empty array")
                        : fmt::format("an array of {} elements: use [0] to [{}]", node.size(),
                                      node.size() - 1);
  if (!node.is_object()) return "a value, not a table";
  std::string out;
  for (auto it = node.begin(); it != node.end(); ++it) out += (out.empty() ? "" : ", ") + it.key();
  return "keys " + out;
}

double lookup(const Expectation& e, const json& results) {
  const json* node = &results;
  std::string walked;
  std::size_t start = 0;
  auto fail = [&](const std::string& why) -> double {
    throw ConfigError(e.pos, e.key_path + ".metric", why);
  };
  while (start <= e.metric.size()) {
    const auto dot = e.metric.find('.', start);
    std::string part =
        e.metric.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    std::vector<std::size_t> indexes;
    while (!part.empty() && part.back() == ']') {
      const auto br = part.rfind('[');
      const std::string digits =
          br == std::string::npos ? "" : part.substr(br + 1, part.size() - br - 2);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
          digits.size() > 9)
        return fail(fmt::format("bad index in \"{}\"", part));
      indexes.insert(indexes.begin(), std::stoul(digits));
      part.resize(br);
    }
    if (!part.empty()) {
      if (!node->is_object() || !node->contains(part))
        return fail(fmt::format("results.json has no \"{}\" at \"{}\" (there: {})", part,
                                walked.empty() ? "the top" : walked, keys_of(*node)));
      node = &(*node)[part];
      walked += (walked.empty() ? "" : ".") + part;
    }
    for (auto i : indexes) {
      if (!node->is_array() || i >= node->size())
        return fail(fmt::format("\"{}\" has no element [{}] ({})", walked, i, keys_of(*node)));
      node = &(*node)[i];
      walked += fmt::format("[{}]", i);
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;  // true = 1, false = 0
  if (!node->is_number())
    return fail(
        fmt::format("\"{}\" in results.json is not a number ({})", e.metric, keys_of(*node)));
  return node->get<double>();
}

std::string num(double v) { return fmt::format("{:.4g}", v); }

}  // namespace

ExpectOutcome evaluate_expectations(const Scenario& s, const json& results) {
  ExpectOutcome out;
  if (s.expectations.empty()) return out;
  out.summary = fmt::format("  published vs simulated\n    {:<44} {:>10} {:>10} {:>16}  {}\n", "",
                            "published", "simulated", "within", "ok");
  for (const Expectation& e : s.expectations) {
    const double v = lookup(e, results);
    bool ok = true;
    std::string target, within;
    json ej = {{"metric", e.metric}, {"label", e.label}, {"simulated", v}};
    if (e.published) {
      const double p = *e.published;
      const double dev = p != 0 ? (v - p) / std::abs(p) : v;
      ok = ok && std::abs(v - p) <= e.tolerance * std::abs(p);
      target = num(p);
      within = fmt::format("{:+.1f}% of ±{:.0f}%", dev * 100, e.tolerance * 100);
      ej["published"] = p;
      ej["tolerance"] = e.tolerance;
      ej["deviation"] = dev;
    }
    if (e.at_most) {
      ok = ok && v <= *e.at_most;
      if (target.empty()) target = "<= " + num(*e.at_most);
      within += (within.empty() ? "" : ", ") + fmt::format("<= {}", num(*e.at_most));
      ej["at_most"] = *e.at_most;
    }
    if (e.at_least) {
      ok = ok && v >= *e.at_least;
      if (target.empty()) target = ">= " + num(*e.at_least);
      within += (within.empty() ? "" : ", ") + fmt::format(">= {}", num(*e.at_least));
      ej["at_least"] = *e.at_least;
    }
    if (!e.source.empty()) ej["source"] = e.source;
    ej["passed"] = ok;
    out.json.push_back(ej);
    out.passed = out.passed && ok;
    out.summary += fmt::format("    {:<44} {:>10} {:>10} {:>16}  {}\n", e.label, target, num(v),
                               within, ok ? "yes" : "NO");
    if (!e.source.empty()) out.summary += fmt::format("      source: {}\n", e.source);
  }
  return out;
}

}  // namespace distlab::sim::engine
