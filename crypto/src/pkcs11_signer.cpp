// Ed25519 signing in a PKCS#11 token (pkcs11_signer.hpp, docs/keys.md), through the module's
// function list (C_GetFunctionList) loaded with dlopen.
#include "psephos/crypto/pkcs11_signer.hpp"

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "psephos/crypto/secure_file.hpp"

namespace psephos::crypto {

namespace {

// The names of the return values an operator may meet; the rest as their number.
std::string rv_name(CK_RV rv) {
    switch (rv) {
        case CKR_PIN_INCORRECT:
            return "CKR_PIN_INCORRECT";
        case CKR_PIN_LOCKED:
            return "CKR_PIN_LOCKED";
        case CKR_PIN_EXPIRED:
            return "CKR_PIN_EXPIRED";
        case CKR_PIN_LEN_RANGE:
            return "CKR_PIN_LEN_RANGE";
        case CKR_USER_PIN_NOT_INITIALIZED:
            return "CKR_USER_PIN_NOT_INITIALIZED";
        case CKR_TOKEN_NOT_PRESENT:
            return "CKR_TOKEN_NOT_PRESENT";
        case CKR_DEVICE_REMOVED:
            return "CKR_DEVICE_REMOVED";
        case CKR_DEVICE_ERROR:
            return "CKR_DEVICE_ERROR";
        case CKR_MECHANISM_INVALID:
            return "CKR_MECHANISM_INVALID";
        case CKR_KEY_TYPE_INCONSISTENT:
            return "CKR_KEY_TYPE_INCONSISTENT";
        case CKR_ATTRIBUTE_SENSITIVE:
            return "CKR_ATTRIBUTE_SENSITIVE";
        case CKR_ATTRIBUTE_VALUE_INVALID:
            return "CKR_ATTRIBUTE_VALUE_INVALID";
        case CKR_TEMPLATE_INCONSISTENT:
            return "CKR_TEMPLATE_INCONSISTENT";
        case CKR_CURVE_NOT_SUPPORTED:
            return "CKR_CURVE_NOT_SUPPORTED";
        case CKR_SESSION_HANDLE_INVALID:
            return "CKR_SESSION_HANDLE_INVALID";
        case CKR_USER_NOT_LOGGED_IN:
            return "CKR_USER_NOT_LOGGED_IN";
        case CKR_GENERAL_ERROR:
            return "CKR_GENERAL_ERROR";
        case CKR_FUNCTION_FAILED:
            return "CKR_FUNCTION_FAILED";
        case CKR_ARGUMENTS_BAD:
            return "CKR_ARGUMENTS_BAD";
        default: {
            std::array<char, 24> text{};
            std::snprintf(text.data(), text.size(), "CKR 0x%lx", static_cast<unsigned long>(rv));
            return text.data();
        }
    }
}

Error token_error(ErrorCode code, const std::string& what, CK_RV rv) {
    return Error{code, what + " (" + rv_name(rv) + ")"};
}

// Token labels are 32 bytes padded with spaces (PKCS#11 §3.2, CK_TOKEN_INFO).
std::string trimmed_label(const CK_UTF8CHAR (&label)[32]) {
    std::string out(reinterpret_cast<const char*>(label), sizeof label);
    while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) out.pop_back();
    return out;
}

// CKA_EC_POINT of an Ed25519 key: a DER OCTET STRING around the 32-byte key (PKCS#11 3.0 §2.3.6),
// or, as some tokens give it, the 32 bytes alone.
Result<Ed25519PublicKey> decode_ec_point(ByteSpan point) {
    if (point.size() == Ed25519PublicKey::size + 2 && point[0] == 0x04 &&
        point[1] == Ed25519PublicKey::size)
        return Ed25519PublicKey::from_bytes(point.subspan(2));
    if (point.size() == Ed25519PublicKey::size) return Ed25519PublicKey::from_bytes(point);
    return make_error(ErrorCode::invalid_encoding,
                      "CKA_EC_POINT is " + std::to_string(point.size()) +
                          " bytes, not an OCTET STRING of a 32-byte Ed25519 key");
}

// The DER of the OID 1.3.101.112 (id-Ed25519, RFC 8410): CKA_EC_PARAMS of a new key.
constexpr std::array<CK_BYTE, 5> ed25519_oid{0x06, 0x03, 0x2b, 0x65, 0x70};

// C_Initialize and C_Finalize act on the whole process, so the signers of one process share
// each module's initialisation: the first to load it initialises it, the last to let it go
// finalises it, and one initialised by someone else (C_Initialize says
// CKR_CRYPTOKI_ALREADY_INITIALIZED to the first) is never finalised here.
struct ModuleUse {
    int users = 0;
    bool finalize = false;
};
struct Modules {
    std::mutex mutex;
    std::map<CK_FUNCTION_LIST_PTR, ModuleUse> uses;
};
Modules& modules() {
    static Modules all;
    return all;
}

CK_RV start_using(CK_FUNCTION_LIST_PTR functions) {
    Modules& all = modules();
    const std::lock_guard lock(all.mutex);
    ModuleUse& use = all.uses[functions];
    if (use.users == 0) {
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;
        const CK_RV rv = functions->C_Initialize(&args);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            all.uses.erase(functions);
            return rv;
        }
        use.finalize = rv == CKR_OK;
    }
    ++use.users;
    return CKR_OK;
}

void stop_using(CK_FUNCTION_LIST_PTR functions) {
    Modules& all = modules();
    const std::lock_guard lock(all.mutex);
    const auto it = all.uses.find(functions);
    if (it == all.uses.end() || --it->second.users > 0) return;
    if (it->second.finalize) functions->C_Finalize(nullptr);
    all.uses.erase(it);
}

}  // namespace

struct Pkcs11Signer::Session {
    void* library = nullptr;
    CK_FUNCTION_LIST_PTR functions = nullptr;
    bool using_module = false;  // counted in modules()
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    std::mutex mutex;   // a PKCS#11 session serves one call at a time
    std::string where;  // "PKCS#11 token 'x'" for messages

    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;
    ~Session() {
        // No C_Logout: the login belongs to the process's whole session with the token, which
        // other signers may share; closing the last session (or C_Finalize) logs out.
        if (session != CK_INVALID_HANDLE) functions->C_CloseSession(session);
        if (using_module) stop_using(functions);
        if (library != nullptr) ::dlclose(library);
    }

    // Loads the module and initialises it (or finds it initialised by another signer).
    Status load(const std::string& module_path) {
        where = "PKCS#11 module '" + module_path + "'";
        library = ::dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr) {
            const char* why = ::dlerror();
            return make_error(ErrorCode::not_found, where + ": cannot load it: " +
                                                        (why != nullptr ? why : "dlopen failed"));
        }
        auto* get_list =
            reinterpret_cast<CK_C_GetFunctionList>(::dlsym(library, "C_GetFunctionList"));
        if (get_list == nullptr)
            return make_error(ErrorCode::invalid_argument,
                              where + ": not a PKCS#11 module (no C_GetFunctionList)");
        if (CK_RV rv = get_list(&functions); rv != CKR_OK || functions == nullptr) {
            functions = nullptr;
            return token_error(ErrorCode::io_error, where + ": C_GetFunctionList failed", rv);
        }
        if (CK_RV rv = start_using(functions); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_Initialize failed", rv);
        using_module = true;
        return {};
    }

    // Opens a read-write session on the token labelled `label` and logs in as its user.
    Status log_in(const std::string& label, std::string_view pin) {
        CK_ULONG count = 0;
        if (CK_RV rv = functions->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_GetSlotList failed", rv);
        std::vector<CK_SLOT_ID> slots(count);
        if (CK_RV rv = functions->C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_GetSlotList failed", rv);
        slots.resize(count);
        std::string seen;
        std::optional<CK_SLOT_ID> slot;
        for (const CK_SLOT_ID id : slots) {
            CK_TOKEN_INFO info{};
            if (functions->C_GetTokenInfo(id, &info) != CKR_OK) continue;
            if ((info.flags & CKF_TOKEN_INITIALIZED) == 0) continue;  // a free slot
            const std::string name = trimmed_label(info.label);
            if (name == label) {
                if (slot)
                    return make_error(ErrorCode::refused, where + ": two tokens are labelled '" +
                                                              label +
                                                              "'; give each token its own label");
                slot = id;
            }
            seen += (seen.empty() ? "'" : ", '") + name + "'";
        }
        if (!slot)
            return make_error(ErrorCode::not_found,
                              where + ": no token labelled '" + label +
                                  "' (tokens present: " + (seen.empty() ? "none" : seen) + ")");
        where = "PKCS#11 token '" + label + "'";
        if (CK_RV rv = functions->C_OpenSession(*slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                                nullptr, &session);
            rv != CKR_OK) {
            session = CK_INVALID_HANDLE;
            return token_error(ErrorCode::io_error, where + ": C_OpenSession failed", rv);
        }
        std::vector<CK_UTF8CHAR> pin_copy(pin.begin(), pin.end());
        const WipeOnExit wipe(pin_copy.data(), pin_copy.size());
        const CK_RV rv = functions->C_Login(session, CKU_USER, pin_copy.data(), pin_copy.size());
        if (rv == CKR_PIN_INCORRECT)
            return token_error(ErrorCode::permission_denied, where + ": the PIN is wrong", rv);
        if (rv == CKR_PIN_LOCKED)
            return token_error(ErrorCode::permission_denied,
                               where + ": the PIN is locked (too many wrong PINs)", rv);
        // CKR_USER_ALREADY_LOGGED_IN: another signer of this process logged in to this token
        // (PKCS#11 logins are per application and token), which already checked a PIN.
        if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
            return token_error(ErrorCode::permission_denied, where + ": login failed", rv);
        return {};
    }

    // The objects of class `object_class` and key type CKK_EC_EDWARDS labelled `label`.
    Result<std::vector<CK_OBJECT_HANDLE>> find(CK_OBJECT_CLASS object_class,
                                               const std::string& label) {
        CK_KEY_TYPE type = CKK_EC_EDWARDS;
        std::array<CK_ATTRIBUTE, 3> query{{
            {CKA_CLASS, &object_class, sizeof object_class},
            {CKA_KEY_TYPE, &type, sizeof type},
            {CKA_LABEL, const_cast<char*>(label.data()), label.size()},  // NOLINT: C API
        }};
        if (CK_RV rv = functions->C_FindObjectsInit(session, query.data(), query.size());
            rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_FindObjectsInit failed", rv);
        std::vector<CK_OBJECT_HANDLE> found(4);
        CK_ULONG count = 0;
        const CK_RV rv = functions->C_FindObjects(session, found.data(), found.size(), &count);
        functions->C_FindObjectsFinal(session);
        if (rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_FindObjects failed", rv);
        found.resize(count);
        return found;
    }

    Result<CK_BBOOL> boolean(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, const char* name) {
        CK_BBOOL value = CK_FALSE;
        CK_ATTRIBUTE attribute{type, &value, sizeof value};
        if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1); rv != CKR_OK)
            return token_error(ErrorCode::io_error,
                               where + ": cannot read " + std::string(name) + " of the key", rv);
        return value;
    }

    Result<Ed25519PublicKey> read_public_key(CK_OBJECT_HANDLE object) {
        CK_ATTRIBUTE attribute{CKA_EC_POINT, nullptr, 0};
        if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": cannot read CKA_EC_POINT", rv);
        if (attribute.ulValueLen > 64)
            return make_error(ErrorCode::invalid_encoding,
                              where + ": CKA_EC_POINT is " + std::to_string(attribute.ulValueLen) +
                                  " bytes, too long for an Ed25519 key");
        Bytes point(attribute.ulValueLen);
        attribute.pValue = point.data();
        if (CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": cannot read CKA_EC_POINT", rv);
        point.resize(attribute.ulValueLen);
        auto key = decode_ec_point(point);
        if (!key) return key.error().within(where);
        return key;
    }

    Result<Ed25519Signature> sign(ByteSpan message) {
        const std::lock_guard lock(mutex);
        CK_MECHANISM mechanism{CKM_EDDSA, nullptr, 0};
        if (CK_RV rv = functions->C_SignInit(session, &mechanism, private_key); rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_SignInit(CKM_EDDSA) failed", rv);
        Ed25519Signature signature;
        CK_ULONG size = signature.bytes.size();
        // C_Sign does not write its input; the C API just lacks const.
        auto* data = const_cast<std::uint8_t*>(message.data());  // NOLINT: C API
        if (CK_RV rv =
                functions->C_Sign(session, data, message.size(), signature.bytes.data(), &size);
            rv != CKR_OK)
            return token_error(ErrorCode::io_error, where + ": C_Sign failed", rv);
        if (size != Ed25519Signature::size)
            return make_error(ErrorCode::invalid_encoding,
                              where + ": the token returned a signature of " +
                                  std::to_string(size) + " bytes, not 64");
        return signature;
    }
};

std::string Pkcs11KeySpec::describe() const {
    return "pkcs11:token=" + token_label + ";object=" + key_label + " (module " + module_path + ")";
}

Pkcs11Signer::Pkcs11Signer(Pkcs11KeySpec spec, std::unique_ptr<Session> session,
                           Ed25519PublicKey key)
    : spec_(std::move(spec)), session_(std::move(session)), public_key_(key) {}

Pkcs11Signer::~Pkcs11Signer() = default;

Result<std::unique_ptr<Pkcs11Signer>> Pkcs11Signer::open(const Pkcs11KeySpec& spec,
                                                         std::string_view pin) {
    auto session = std::make_unique<Session>();
    PSEPHOS_TRY(session->load(spec.module_path));
    PSEPHOS_TRY(session->log_in(spec.token_label, pin));
    const std::string key = session->where + ": key '" + spec.key_label + "'";
    PSEPHOS_TRY_ASSIGN(const auto privates, session->find(CKO_PRIVATE_KEY, spec.key_label));
    if (privates.empty())
        return make_error(
            ErrorCode::not_found,
            session->where + ": no Ed25519 private key labelled '" + spec.key_label + "'");
    if (privates.size() > 1)
        return make_error(ErrorCode::refused, key + ": more than one private key has this label");
    PSEPHOS_TRY_ASSIGN(const auto publics, session->find(CKO_PUBLIC_KEY, spec.key_label));
    if (publics.size() != 1)
        return make_error(publics.empty() ? ErrorCode::not_found : ErrorCode::refused,
                          key + (publics.empty() ? ": no public key of this label next to the "
                                                   "private key"
                                                 : ": more than one public key has this label"));
    session->private_key = privates.front();
    // The secret must stay in the token: a key that could be exported is not one to trust.
    PSEPHOS_TRY_ASSIGN(const CK_BBOOL extractable,
                       session->boolean(session->private_key, CKA_EXTRACTABLE, "CKA_EXTRACTABLE"));
    PSEPHOS_TRY_ASSIGN(const CK_BBOOL sensitive,
                       session->boolean(session->private_key, CKA_SENSITIVE, "CKA_SENSITIVE"));
    if (extractable != CK_FALSE || sensitive != CK_TRUE)
        return make_error(ErrorCode::refused,
                          key + ": the private key can leave the token (" +
                              (extractable != CK_FALSE ? "CKA_EXTRACTABLE" : "not CKA_SENSITIVE") +
                              "); generate a sensitive, non-extractable key (psephos authority "
                              "keygen --pkcs11)");
    PSEPHOS_TRY_ASSIGN(const Ed25519PublicKey public_key,
                       session->read_public_key(publics.front()));
    // A probe: the private key of this label signs what the public key of this label verifies.
    const std::string_view probe = "psephos pkcs11 probe";
    const ByteSpan probe_bytes(reinterpret_cast<const std::uint8_t*>(probe.data()), probe.size());
    PSEPHOS_TRY_ASSIGN(const Ed25519Signature signature, session->sign(probe_bytes));
    if (!verify_signature(public_key, probe_bytes, signature))
        return make_error(ErrorCode::verification_failed,
                          key + ": the private key does not match the public key of this label");
    return std::unique_ptr<Pkcs11Signer>(new Pkcs11Signer(spec, std::move(session), public_key));
}

Result<Ed25519PublicKey> Pkcs11Signer::generate(const Pkcs11KeySpec& spec, std::string_view pin) {
    Session session;
    PSEPHOS_TRY(session.load(spec.module_path));
    PSEPHOS_TRY(session.log_in(spec.token_label, pin));
    const std::string key = session.where + ": key '" + spec.key_label + "'";
    for (const CK_OBJECT_CLASS object_class : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
        PSEPHOS_TRY_ASSIGN(const auto found, session.find(object_class, spec.key_label));
        if (!found.empty())
            return make_error(ErrorCode::refused,
                              key + ": the token already holds a key of this label");
    }
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    std::array<CK_BYTE, ed25519_oid.size()> params = ed25519_oid;
    auto* label = const_cast<char*>(spec.key_label.data());  // NOLINT: C API
    std::array<CK_ATTRIBUTE, 4> public_template{{
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_EC_PARAMS, params.data(), params.size()},
        {CKA_LABEL, label, spec.key_label.size()},
    }};
    std::array<CK_ATTRIBUTE, 6> private_template{{
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_LABEL, label, spec.key_label.size()},
    }};
    CK_MECHANISM mechanism{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE public_handle = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE private_handle = CK_INVALID_HANDLE;
    if (CK_RV rv = session.functions->C_GenerateKeyPair(
            session.session, &mechanism, public_template.data(), public_template.size(),
            private_template.data(), private_template.size(), &public_handle, &private_handle);
        rv != CKR_OK)
        return token_error(ErrorCode::io_error,
                           key + ": C_GenerateKeyPair(CKM_EC_EDWARDS_KEY_PAIR_GEN) failed", rv);
    return session.read_public_key(public_handle);
}

Result<Ed25519Signature> Pkcs11Signer::sign_message(ByteSpan message) const {
    PSEPHOS_TRY_ASSIGN(const Ed25519Signature signature, session_->sign(message));
    if (auto ok = verify_signature(public_key_, message, signature); !ok)
        return ok.error().within(spec_.describe() + ": the token's signature");
    return signature;
}

}  // namespace psephos::crypto
