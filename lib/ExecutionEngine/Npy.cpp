//===- Npy.cpp - NumPy .npy files for the runner --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY", a
// major and a minor version byte, the header length (2 bytes little-endian
// for 1.0, 4 bytes for 2.0/3.0), then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and a newline so that the data starts 64-byte aligned.
//
//===----------------------------------------------------------------------===//

#include "Norm/ExecutionEngine/Npy.h"

#include "Norm/ExecutionEngine/HostAllocator.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::norm;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::StringRef norm::getNpyDescr(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F16:
    return "<f2";
  case NpyDType::F32:
    return "<f4";
  case NpyDType::F64:
    return "<f8";
  }
  llvm_unreachable("unknown dtype");
}

size_t norm::getNpyDTypeSize(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F16:
    return 2;
  case NpyDType::F32:
    return 4;
  case NpyDType::F64:
    return 8;
  }
  llvm_unreachable("unknown dtype");
}

AlignedBuffer::AlignedBuffer(size_t bytes) : bytes(bytes) {
  ptr.reset(hostAlignedAlloc(64, bytes));
}

void AlignedBuffer::Free::operator()(void *p) const { hostFree(p); }

int64_t NpyArray::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
/// Parser of the header dict. Accepts what numpy writes and a little more
/// (any key order, either quote style, optional trailing commas).
class HeaderParser {
public:
  explicit HeaderParser(llvm::StringRef text) : rest(text) {}

  llvm::Error parse(std::string &descr, bool &fortranOrder,
                    llvm::SmallVectorImpl<int64_t> &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return makeError("header is not a dict");
    while (!consume('}')) {
      std::string key;
      if (!parseString(key) || !consume(':'))
        return makeError("malformed header dict");
      if (key == "descr") {
        if (!parseString(descr))
          return makeError("'descr' is not a string");
        haveDescr = true;
      } else if (key == "fortran_order") {
        skipSpace();
        if (rest.consume_front("True"))
          fortranOrder = true;
        else if (rest.consume_front("False"))
          fortranOrder = false;
        else
          return makeError("'fortran_order' is not True or False");
        haveOrder = true;
      } else if (key == "shape") {
        if (!consume('('))
          return makeError("'shape' is not a tuple");
        while (!consume(')')) {
          skipSpace();
          size_t len = 0;
          while (len < rest.size() && llvm::isDigit(rest[len]))
            ++len;
          uint64_t dim;
          if (len == 0 || rest.take_front(len).getAsInteger(10, dim) ||
              dim > (uint64_t(1) << 48))
            return makeError("bad dimension in 'shape'");
          shape.push_back(static_cast<int64_t>(dim));
          rest = rest.drop_front(len);
          skipSpace();
          // numpy may write a trailing 'L' on Python 2 longs.
          rest.consume_front("L");
          if (!consume(',') && !peek(')'))
            return makeError("malformed 'shape' tuple");
        }
        haveShape = true;
      } else {
        return makeError("unknown header key '" + key + "'");
      }
      if (!consume(',') && !peek('}'))
        return makeError("malformed header dict");
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return makeError("header lacks 'descr', 'fortran_order' or 'shape'");
    return llvm::Error::success();
  }

private:
  void skipSpace() { rest = rest.ltrim(); }
  bool peek(char c) {
    skipSpace();
    return rest.starts_with(llvm::StringRef(&c, 1));
  }
  bool consume(char c) {
    skipSpace();
    return rest.consume_front(llvm::StringRef(&c, 1));
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (rest.empty() || (rest[0] != '\'' && rest[0] != '"'))
      return false;
    char quote = rest[0];
    size_t end = rest.find(quote, 1);
    if (end == llvm::StringRef::npos)
      return false;
    out = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return true;
  }

  llvm::StringRef rest;
};
} // namespace

namespace {
/// What a .npy header says: the array's type and shape (in `array`, without
/// data), where its data starts and how many bytes it has.
struct NpyHeader {
  NpyArray array;
  size_t dataStart = 0;
  uint64_t dataBytes = 0;
};
} // namespace

static llvm::Error badNpy(llvm::StringRef name, const llvm::Twine &why) {
  return makeError("bad .npy file '" + name + "': " + why);
}

namespace {
/// Where the header dict of a .npy file lies: after the magic, the version
/// and the header length; the data starts at `end`.
struct NpyHeaderSpan {
  size_t start, end;
};
} // namespace

/// The header span of the .npy file starting with `bytes`: the magic, the
/// version and the header length must be there (10 bytes for 1.0, 12 for
/// 2.0/3.0); the header itself need not be.
static llvm::Expected<NpyHeaderSpan> parseNpyHeaderSpan(llvm::StringRef bytes,
                                                        llvm::StringRef name) {
  auto fail = [&](const llvm::Twine &why) { return badNpy(name, why); };
  if (!bytes.starts_with("\x93NUMPY"))
    return fail("missing the \\x93NUMPY magic (not a .npy file)");
  if (bytes.size() < 10)
    return fail("truncated header");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<uint8_t>(bytes[8]) |
                (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return fail("unsupported format version " + llvm::Twine(major) + "." +
                llvm::Twine(static_cast<unsigned>(
                    static_cast<uint8_t>(bytes[7]))));
  }
  return NpyHeaderSpan{headerStart, headerStart + headerLen};
}

/// Parses the header at the start of `bytes`, which must hold all of it (the
/// data may be missing).
static llvm::Expected<NpyHeader> parseNpyHeader(llvm::StringRef bytes,
                                                llvm::StringRef name) {
  auto fail = [&](const llvm::Twine &why) { return badNpy(name, why); };
  llvm::Expected<NpyHeaderSpan> span = parseNpyHeaderSpan(bytes, name);
  if (!span)
    return span.takeError();
  if (bytes.size() < span->end)
    return fail("truncated header");
  size_t dataStart = span->end;
  llvm::StringRef header = bytes.slice(span->start, span->end);

  std::string descr;
  bool fortranOrder = false;
  NpyArray array;
  if (llvm::Error err =
          HeaderParser(header).parse(descr, fortranOrder, array.shape))
    return fail(llvm::toString(std::move(err)));
  if (fortranOrder)
    return fail("Fortran-order arrays are not supported; save a "
                "C-contiguous array (numpy.ascontiguousarray)");
  // '|' and '=' appear for byte-order-less or native types; on this
  // little-endian host '=' is little-endian too.
  if (descr.size() == 3 && descr[0] == '=')
    descr[0] = '<';
  if (descr == "<f2")
    array.dtype = NpyDType::F16;
  else if (descr == "<f4")
    array.dtype = NpyDType::F32;
  else if (descr == "<f8")
    array.dtype = NpyDType::F64;
  else
    return fail("unsupported dtype '" + descr +
                "' (supported: '<f2', '<f4', '<f8')");

  size_t elementSize = getNpyDTypeSize(array.dtype);
  uint64_t numElements = 1;
  for (int64_t d : array.shape) {
    if (d != 0 && numElements > (UINT64_MAX / 16) / static_cast<uint64_t>(d))
      return fail("shape too large");
    numElements *= d;
  }
  NpyHeader parsed;
  parsed.array = std::move(array);
  parsed.dataStart = dataStart;
  parsed.dataBytes = numElements * elementSize;
  return std::move(parsed);
}

llvm::Expected<NpyArray> norm::parseNpy(llvm::StringRef bytes,
                                        llvm::StringRef name) {
  auto fail = [&](const llvm::Twine &why) { return badNpy(name, why); };
  llvm::Expected<NpyHeader> header = parseNpyHeader(bytes, name);
  if (!header)
    return header.takeError();
  NpyArray array = std::move(header->array);
  size_t dataStart = header->dataStart;
  uint64_t dataBytes = header->dataBytes;
  if (bytes.size() - dataStart < dataBytes)
    return fail("truncated data: expected " + llvm::Twine(dataBytes) +
                " bytes, found " + llvm::Twine(bytes.size() - dataStart));
  if (bytes.size() - dataStart > dataBytes)
    return fail("trailing bytes after the data (" +
                llvm::Twine(bytes.size() - dataStart - dataBytes) + ")");
  array.buffer = AlignedBuffer(dataBytes);
  if (!array.buffer)
    return fail("out of memory");
  if (dataBytes)
    std::memcpy(array.buffer.data(), bytes.data() + dataStart, dataBytes);
  return std::move(array);
}

/// Reads a file that is not a regular one (a pipe, a FIFO, a device) as far
/// as a .npy file can go: the prefix, the header it announces, then the data
/// the header announces straight into the array's buffer (allocated first,
/// so a header announcing more than memory holds is an error, not an abort),
/// then one byte more to catch trailing data. Reading to the end instead
/// never stopped on /dev/zero.
static llvm::Expected<NpyArray> readNpyStream(llvm::StringRef path) {
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return makeError("cannot open '" + path +
                     "': " + llvm::toString(file.takeError()));
  llvm::scope_exit closeOnExit([&] { llvm::sys::fs::closeFile(*file); });
  // Fills `buffer[0..size)` from the file; returns the bytes read (fewer at
  // the end of the file).
  auto readInto = [&](char *buffer, uint64_t size) -> llvm::Expected<uint64_t> {
    constexpr uint64_t kChunk = uint64_t(1) << 20;
    uint64_t done = 0;
    while (done < size) {
      llvm::Expected<size_t> got = llvm::sys::fs::readNativeFile(
          *file, llvm::MutableArrayRef<char>(buffer + done,
                                             std::min(kChunk, size - done)));
      if (!got)
        return makeError("cannot read '" + path +
                         "': " + llvm::toString(got.takeError()));
      if (*got == 0)
        break;
      done += *got;
    }
    return done;
  };
  std::string head;
  auto readHeadUpTo = [&](uint64_t size) -> llvm::Error {
    size_t before = head.size();
    if (size <= before)
      return llvm::Error::success();
    head.resize(size);
    llvm::Expected<uint64_t> got = readInto(head.data() + before, size - before);
    if (!got)
      return got.takeError();
    head.resize(before + *got);
    return llvm::Error::success();
  };
  // Magic, version and header length (at most 12 bytes), then the header
  // (a 2.0 header may announce up to 4 GiB; none that numpy writes comes
  // near 1 MiB: past that, parseNpyHeader says the header is truncated).
  constexpr size_t kPrefix = 12, kMaxHeaderEnd = size_t(1) << 20;
  if (llvm::Error err = readHeadUpTo(kPrefix))
    return std::move(err);
  llvm::Expected<NpyHeaderSpan> span = parseNpyHeaderSpan(head, path);
  if (!span)
    return span.takeError();
  if (llvm::Error err = readHeadUpTo(std::min(span->end, kMaxHeaderEnd)))
    return std::move(err);
  llvm::Expected<NpyHeader> header = parseNpyHeader(head, path);
  if (!header)
    return header.takeError();
  // A header that parses is longer than the prefix, so `head` ends where
  // the data starts: the data goes straight into the array's buffer.
  uint64_t dataBytes = header->dataBytes;
  NpyArray array = std::move(header->array);
  array.buffer = AlignedBuffer(dataBytes);
  if (!array.buffer)
    return badNpy(path, "its header announces " + llvm::Twine(dataBytes) +
                            " bytes of data, more than can be allocated");
  llvm::Expected<uint64_t> found =
      readInto(static_cast<char *>(array.buffer.data()), dataBytes);
  if (!found)
    return found.takeError();
  if (*found < dataBytes)
    return badNpy(path, "truncated data: expected " + llvm::Twine(dataBytes) +
                            " bytes, found " + llvm::Twine(*found));
  char extra;
  llvm::Expected<uint64_t> more = readInto(&extra, 1);
  if (!more)
    return more.takeError();
  if (*more)
    return badNpy(path, "trailing bytes after the data");
  return std::move(array);
}

llvm::Expected<NpyArray> norm::readNpyFile(llvm::StringRef path) {
  // Regular files are mapped; anything else is read only as far as its
  // header says (readNpyStream).
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file &&
      status.type() != llvm::sys::fs::file_type::directory_file)
    return readNpyStream(path);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return makeError("cannot open '" + path +
                     "': " + file.getError().message());
  return parseNpy((*file)->getBuffer(), path);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

llvm::Error norm::writeNpyFile(llvm::StringRef path, NpyDType dtype,
                               llvm::ArrayRef<int64_t> shape,
                               const void *data) {
  std::string dict = "{'descr': '" + getNpyDescr(dtype).str() +
                     "', 'fortran_order': False, 'shape': (";
  int64_t numElements = 1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    dict += (i ? ", " : "") + std::to_string(d);
    numElements *= d;
  }
  // A 1-tuple needs its trailing comma: "(5,)".
  dict += shape.size() == 1 ? ",)" : ")";
  dict += ", }";
  // Version 1.0 if the header fits in 65535 bytes, like numpy.
  bool v1 = dict.size() + 11 + 10 < 65536;
  size_t prefix = v1 ? 10 : 12;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  os << "\x93NUMPY";
  size_t len = dict.size();
  if (v1) {
    os << '\x01' << '\x00' << static_cast<char>(len & 0xff)
       << static_cast<char>(len >> 8);
  } else {
    os << '\x02' << '\x00';
    for (int i = 0; i < 4; ++i)
      os << static_cast<char>((len >> (8 * i)) & 0xff);
  }
  os << dict;
  os.write(static_cast<const char *>(data),
           numElements * getNpyDTypeSize(dtype));
  os.close();
  if (os.has_error()) {
    std::string why = os.error().message();
    os.clear_error();
    return makeError("cannot write '" + path + "': " + why);
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

uint16_t norm::convertF32ToBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if (std::isnan(value))
    return static_cast<uint16_t>((bits >> 16) | 0x0040);
  uint32_t lsb = (bits >> 16) & 1;
  bits += 0x7fff + lsb;
  return static_cast<uint16_t>(bits >> 16);
}

float norm::convertBF16ToF32(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

NpyDType norm::getNpyDTypeFor(ElementType type) {
  switch (type) {
  case ElementType::F32:
  case ElementType::BF16:
    return NpyDType::F32;
  case ElementType::F16:
    return NpyDType::F16;
  case ElementType::F64:
    return NpyDType::F64;
  }
  llvm_unreachable("unknown element type");
}

llvm::Expected<AlignedBuffer>
norm::convertNpyToArgument(const NpyArray &array, ElementType type,
                           llvm::StringRef what) {
  NpyDType expected = getNpyDTypeFor(type);
  if (array.dtype != expected)
    return makeError("dtype mismatch for " + what + ": a " +
                     getElementTypeName(type) + " tensor needs a '" +
                     getNpyDescr(expected) + "' array" +
                     (type == ElementType::BF16 ? " (bf16 is given as f32)"
                                                : "") +
                     ", got '" + getNpyDescr(array.dtype) + "'");
  int64_t n = array.getNumElements();
  AlignedBuffer out(n * getElementTypeSize(type));
  if (!out)
    return makeError("out of memory for " + what);
  if (type == ElementType::BF16) {
    const float *src = static_cast<const float *>(array.buffer.data());
    uint16_t *dst = static_cast<uint16_t *>(out.data());
    for (int64_t i = 0; i < n; ++i)
      dst[i] = convertF32ToBF16(src[i]);
  } else if (n) {
    std::memcpy(out.data(), array.buffer.data(), out.size());
  }
  return std::move(out);
}

llvm::Error norm::writeResultAsNpy(llvm::StringRef path,
                                   const ResultBuffer &result) {
  if (result.elementType != ElementType::BF16)
    return writeNpyFile(path, getNpyDTypeFor(result.elementType), result.shape,
                        result.data);
  int64_t n = result.getNumElements();
  AlignedBuffer wide(n * 4);
  if (!wide)
    return makeError("out of memory writing '" + path + "'");
  const uint16_t *src = static_cast<const uint16_t *>(result.data);
  float *dst = static_cast<float *>(wide.data());
  for (int64_t i = 0; i < n; ++i)
    dst[i] = convertBF16ToF32(src[i]);
  return writeNpyFile(path, NpyDType::F32, result.shape, wide.data());
}
