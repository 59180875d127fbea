#include "distlab/sim/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "options_impl.hpp"

namespace distlab::sim {
namespace {
SourcePos pos_of(const Options::Impl& o, const toml::node* n) {
  SourcePos p{o.file, 0, 0};
  const toml::node* at = n ? n : o.tbl;
  if (at) {
    p.line = at->source().begin.line;
    p.column = at->source().begin.column;
  }
  return p;
}
std::string join_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}
const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date/time";
  }
}
}  // namespace

Options::Options(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Options::~Options() = default;

const std::string& Options::path() const { return impl_->path; }
const std::string& Options::file() const { return impl_->file; }
std::string Options::time_key(const std::string& stem) const {
  for (const char* suffix : {"_s", "_ms", "_us", "_ns"})
    if (has(stem + suffix)) return stem + suffix;
  return stem + "_s";
}

std::uint64_t Options::run_seed() const { return impl_->run_seed; }
void Options::set_run_seed(std::uint64_t seed) { impl_->run_seed = seed; }
Time Options::run_duration() const { return impl_->run_duration; }
void Options::set_run_duration(Time d) { impl_->run_duration = d; }
SourcePos Options::pos(const std::string& key) const {
  return pos_of(*impl_, impl_->tbl->get(key));
}

void Options::fail(const std::string& key, const std::string& message) const {
  const toml::node* n = key.empty() ? nullptr : impl_->tbl->get(key);
  throw ConfigError(pos_of(*impl_, n), key.empty() ? impl_->path : join_path(impl_->path, key),
                    message);
}

bool Options::has(const std::string& key) const { return impl_->tbl->contains(key); }

std::vector<std::string> Options::keys() const {
  std::vector<std::pair<std::pair<std::uint32_t, std::uint32_t>, std::string>> ks;
  for (const auto& [k, v] : *impl_->tbl)
    ks.push_back({{k.source().begin.line, k.source().begin.column}, std::string(k.str())});
  std::sort(ks.begin(), ks.end());
  std::vector<std::string> out;
  for (auto& [p, k] : ks) out.push_back(std::move(k));
  return out;
}

const toml::node* Options::Impl::use(const std::string& key) {
  used.insert(key);
  return tbl->get(key);
}

namespace {
// A value of exactly type T at `key`, the fallback when the key is absent, else an error.
template <class T>
T get_exact(Options& o, Options::Impl& impl, const std::string& key, std::optional<T> fallback,
            const char* what) {
  const toml::node* n = impl.use(key);
  if (!n) {
    if (fallback) return *std::move(fallback);
    o.fail(key, fmt::format("required key is missing ({})", what));
  }
  if (auto v = n->value_exact<T>()) return *v;
  o.fail(key, fmt::format("expected {}, got {}", what, type_name(*n)));
}
}  // namespace

std::int64_t Options::get_int(const std::string& key, std::optional<std::int64_t> fallback) {
  return get_exact(*this, *impl_, key, fallback, "an integer");
}

std::int64_t Options::get_int_in(const std::string& key, std::int64_t lo, std::int64_t hi,
                                 std::optional<std::int64_t> fallback) {
  const std::int64_t v = get_int(key, fallback);
  if (v < lo || v > hi) fail(key, fmt::format("must be between {} and {}, got {}", lo, hi, v));
  return v;
}

double Options::get_double(const std::string& key, std::optional<double> fallback) {
  const toml::node* n = impl_->use(key);
  if (!n) {
    if (fallback) return *fallback;
    fail(key, "required key is missing (a number)");
  }
  if (auto v = n->value_exact<double>()) return *v;
  if (auto v = n->value_exact<std::int64_t>()) return static_cast<double>(*v);
  fail(key, fmt::format("expected a number, got {}", type_name(*n)));
}

bool Options::get_bool(const std::string& key, std::optional<bool> fallback) {
  return get_exact(*this, *impl_, key, fallback, "true or false");
}

std::string Options::get_string(const std::string& key, std::optional<std::string> fallback) {
  return get_exact(*this, *impl_, key, std::move(fallback), "a string");
}

std::string Options::get_choice(const std::string& key, const std::vector<std::string>& choices,
                                std::optional<std::string> fallback) {
  std::string v = get_string(key, std::move(fallback));
  for (const auto& c : choices)
    if (c == v) return v;
  fail(key, fmt::format("unknown value \"{}\"; expected one of: {}", v, fmt::join(choices, ", ")));
}

namespace {
struct Unit {
  const char* suffix;
  double scale;
};
// The one key among stem + each unit's suffix that the table has (an error if several), with
// the unit's scale, or nothing.
std::optional<std::pair<std::string, double>> find_unit_key(const Options& o,
                                                            const std::string& stem,
                                                            std::initializer_list<Unit> units) {
  std::optional<std::pair<std::string, double>> found;
  for (const auto& [suffix, scale] : units) {
    std::string key = stem + suffix;
    if (!o.has(key)) continue;
    if (found) o.fail(key, fmt::format("give either {} or {}, not both", found->first, key));
    found.emplace(std::move(key), scale);
  }
  return found;
}
}  // namespace

std::optional<Time> Options::find_time(const std::string& stem, bool positive) {
  const auto unit =
      find_unit_key(*this, stem, {{"_s", 1e9}, {"_ms", 1e6}, {"_us", 1e3}, {"_ns", 1.0}});
  if (!unit) return std::nullopt;
  const auto& [key, scale] = *unit;
  const double v = get_double(key);
  if (!(v >= 0) || (positive && v == 0))
    fail(key, positive ? "must be greater than zero" : "must not be negative");
  const double t = v * scale;
  // 1e18 ns (31 years) leaves room to add a few times without overflowing 64 bits.
  if (t > 1e18) fail(key, "is too large (at most 1e18 ns, about 31 years)");
  const auto out = static_cast<Time>(t + 0.5);
  if (positive && out == 0) fail(key, "is below one nanosecond");
  return out;
}

Time Options::get_time(const std::string& stem, Time fallback, bool positive) {
  return find_time(stem, positive).value_or(fallback);
}

std::optional<double> Options::get_bandwidth(const std::string& stem) {
  const auto unit = find_unit_key(*this, stem, {{"_gbps", 1e9}, {"_mbps", 1e6}, {"_kbps", 1e3}});
  if (!unit) return std::nullopt;
  const auto& [key, scale] = *unit;
  const double v = get_double(key);
  if (!(v > 0)) fail(key, "must be greater than zero");
  if (v > 1e9) fail(key, "is too large");
  if (v * scale < 1e3) fail(key, "must be at least 1 kbit/s");
  return v * scale;
}

std::vector<std::string> Options::get_strings(const std::string& key) {
  const toml::node* n = impl_->use(key);
  if (!n) return {};
  if (auto s = n->value_exact<std::string>()) return {*s};
  const toml::array* a = n->as_array();
  if (!a) fail(key, fmt::format("expected a string or an array of strings, got {}", type_name(*n)));
  std::vector<std::string> out;
  for (const auto& e : *a) {
    auto s = e.value_exact<std::string>();
    if (!s) fail(key, fmt::format("expected an array of strings, found {}", type_name(e)));
    out.push_back(*s);
  }
  return out;
}

std::vector<std::vector<std::string>> Options::get_string_groups(const std::string& key) {
  const toml::node* n = impl_->use(key);
  if (!n) return {};
  const toml::array* a = n->as_array();
  if (!a) fail(key, "expected an array of arrays of node names, e.g. [[\"n0\"], [\"n1\", \"n2\"]]");
  std::vector<std::vector<std::string>> out;
  for (const auto& g : *a) {
    const toml::array* ga = g.as_array();
    if (!ga)
      fail(key, "expected an array of arrays of node names, e.g. [[\"n0\"], [\"n1\", \"n2\"]]");
    std::vector<std::string> group;
    for (const auto& e : *ga) {
      auto s = e.value_exact<std::string>();
      if (!s) fail(key, fmt::format("node names are strings, found {}", type_name(e)));
      group.push_back(*s);
    }
    out.push_back(std::move(group));
  }
  return out;
}

std::vector<std::vector<double>> Options::get_matrix(const std::string& key) {
  const toml::node* n = impl_->use(key);
  if (!n) return {};
  const toml::array* a = n->as_array();
  if (!a) fail(key, "expected a square array of arrays of numbers");
  std::vector<std::vector<double>> out;
  for (const auto& row : *a) {
    const toml::array* ra = row.as_array();
    if (!ra) fail(key, "expected a square array of arrays of numbers");
    std::vector<double> r;
    for (const auto& e : *ra) {
      if (auto d = e.value_exact<double>())
        r.push_back(*d);
      else if (auto i = e.value_exact<std::int64_t>())
        r.push_back(static_cast<double>(*i));
      else
        fail(key, fmt::format("matrix entries are numbers, found {}", type_name(e)));
    }
    out.push_back(std::move(r));
  }
  for (const auto& r : out)
    if (r.size() != out.size()) fail(key, "matrix must be square (one row and column per region)");
  return out;
}

std::optional<Options> Options::table(const std::string& key) {
  const toml::node* n = impl_->use(key);
  if (!n) return std::nullopt;
  toml::table* t = const_cast<toml::node*>(n)->as_table();
  if (!t) fail(key, fmt::format("expected a table, got {}", type_name(*n)));
  auto sub = std::make_shared<Impl>();
  sub->root = impl_->root;
  sub->tbl = t;
  sub->file = impl_->file;
  sub->path = join_path(impl_->path, key);
  return Options(sub);
}

std::vector<Options> Options::tables(const std::string& key) {
  const toml::node* n = impl_->use(key);
  if (!n) return {};
  toml::array* a = const_cast<toml::node*>(n)->as_array();
  if (!a)
    fail(key, fmt::format("expected an array of tables ([[{}]]), got {}", key, type_name(*n)));
  std::vector<Options> out;
  std::size_t i = 0;
  for (auto& e : *a) {
    toml::table* t = e.as_table();
    if (!t) fail(key, fmt::format("expected an array of tables ([[{}]])", key));
    auto sub = std::make_shared<Impl>();
    sub->root = impl_->root;
    sub->tbl = t;
    sub->file = impl_->file;
    sub->path = fmt::format("{}[{}]", join_path(impl_->path, key), i++);
    out.emplace_back(sub);
  }
  return out;
}

void Options::finish() const {
  for (const auto& [k, v] : *impl_->tbl) {
    const std::string key(k.str());
    if (!impl_->used.count(key)) {
      SourcePos p{impl_->file, k.source().begin.line, k.source().begin.column};
      if (p.line == 0) p = pos_of(*impl_, &v);
      throw ConfigError(p, join_path(impl_->path, key), "unknown key");
    }
  }
}

}  // namespace distlab::sim
