// The translation unit that owns a test folder's precompiled header (psephos_test_pch in
// tests/CMakeLists.txt); the suites reuse what it precompiles.
namespace psephos::test {
int precompiled_header_owner() { return 0; }
}  // namespace psephos::test
