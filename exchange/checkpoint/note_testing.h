// Test-only: the published signed-note vectors of Go's
// golang.org/x/mod/sumdb/note (note_test.go and the package documentation).
// Ed25519 is deterministic, so an interoperable signer must reproduce the
// signature lines byte for byte.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_NOTE_TESTING_H_
#define DATARUN_EXCHANGE_CHECKPOINT_NOTE_TESTING_H_

namespace datarun::checkpoint::testing {

inline constexpr char kPeterSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+"
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
inline constexpr char kPeterVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
inline constexpr char kEnochVerifierKey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
inline constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
inline constexpr char kPeterSignature[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n";
inline constexpr char kEnochSignature[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTG"
    "wnWLox33WWd1RvMc+QQ=\n";

}  // namespace datarun::checkpoint::testing

#endif  // DATARUN_EXCHANGE_CHECKPOINT_NOTE_TESTING_H_
