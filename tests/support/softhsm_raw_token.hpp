// The C API of a SoftHSM2 token (softhsm_tokens.hpp), as an attacker with the PIN (or a careless
// operator) would use it: reading attributes, relabelling and deleting objects, and generating a
// key pair whose secret may leave the token. The PKCS#11 tests play their attacks with it.
#pragma once

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <QtGlobal>
#include <array>
#include <string>
#include <vector>

#include "softhsm_tokens.hpp"

namespace psephos::test {

class RawToken {
public:
    RawToken(const std::string& token, std::string pin) {
        library_ = dlopen(softhsm_module.toUtf8().constData(), RTLD_NOW | RTLD_LOCAL);
        if (library_ == nullptr) qFatal("dlopen: %s", dlerror());
        auto* get_list =
            reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
        if (get_list == nullptr || get_list(&f_) != CKR_OK) qFatal("C_GetFunctionList");
        const CK_RV init = f_->C_Initialize(nullptr);
        if (init != CKR_OK && init != CKR_CRYPTOKI_ALREADY_INITIALIZED) qFatal("C_Initialize");
        initialized_ = init == CKR_OK;
        CK_ULONG count = 16;
        std::array<CK_SLOT_ID, 16> slot_ids{};
        if (f_->C_GetSlotList(CK_TRUE, slot_ids.data(), &count) != CKR_OK) qFatal("C_GetSlotList");
        for (CK_ULONG i = 0; i < count; ++i) {
            CK_TOKEN_INFO info{};
            if (f_->C_GetTokenInfo(slot_ids[i], &info) != CKR_OK) continue;
            std::string label(reinterpret_cast<const char*>(info.label), sizeof info.label);
            label.erase(label.find_last_not_of(' ') + 1);
            if (label != token) continue;
            if (f_->C_OpenSession(slot_ids[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                  nullptr, &session_) != CKR_OK)
                qFatal("C_OpenSession");
            const CK_RV login = f_->C_Login(
                session_, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
            // Already logged in: a signer of this process is (logins are per process and token).
            if (login != CKR_OK && login != CKR_USER_ALREADY_LOGGED_IN) qFatal("C_Login");
            logged_in_ = login == CKR_OK;
            return;
        }
        qFatal("no token %s", token.c_str());
    }
    virtual ~RawToken() {
        if (logged_in_) f_->C_Logout(session_);
        f_->C_CloseSession(session_);
        if (initialized_) f_->C_Finalize(nullptr);
        dlclose(library_);
    }
    RawToken(const RawToken&) = delete;
    RawToken& operator=(const RawToken&) = delete;

    CK_OBJECT_HANDLE find(CK_OBJECT_CLASS object_class, std::string label) {
        std::array<CK_ATTRIBUTE, 2> query{{{CKA_CLASS, &object_class, sizeof object_class},
                                           {CKA_LABEL, label.data(), label.size()}}};
        CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
        CK_ULONG count = 0;
        f_->C_FindObjectsInit(session_, query.data(), query.size());
        f_->C_FindObjects(session_, &found, 1, &count);
        f_->C_FindObjectsFinal(session_);
        return count == 1 ? found : CK_INVALID_HANDLE;
    }
    CK_RV read(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, std::vector<CK_BYTE>& out) {
        out.resize(256);
        CK_ATTRIBUTE attribute{type, out.data(), out.size()};
        const CK_RV rv = f_->C_GetAttributeValue(session_, object, &attribute, 1);
        out.resize(rv == CKR_OK ? attribute.ulValueLen : 0);
        return rv;
    }
    CK_RV relabel(CK_OBJECT_HANDLE object, std::string label) {
        CK_ATTRIBUTE attribute{CKA_LABEL, label.data(), label.size()};
        return f_->C_SetAttributeValue(session_, object, &attribute, 1);
    }
    CK_RV destroy(CK_OBJECT_HANDLE object) { return f_->C_DestroyObject(session_, object); }
    // A key pair whose secret may be exported: what Pkcs11Signer must refuse to use.
    CK_RV generate_extractable(std::string label) {
        CK_BBOOL yes = CK_TRUE;
        CK_BBOOL no = CK_FALSE;
        std::array<CK_BYTE, 5> oid{0x06, 0x03, 0x2b, 0x65, 0x70};
        std::array<CK_ATTRIBUTE, 3> pub{{{CKA_TOKEN, &yes, 1},
                                         {CKA_EC_PARAMS, oid.data(), oid.size()},
                                         {CKA_LABEL, label.data(), label.size()}}};
        std::array<CK_ATTRIBUTE, 5> priv{{{CKA_TOKEN, &yes, 1},
                                          {CKA_SENSITIVE, &no, 1},
                                          {CKA_EXTRACTABLE, &yes, 1},
                                          {CKA_SIGN, &yes, 1},
                                          {CKA_LABEL, label.data(), label.size()}}};
        CK_MECHANISM mechanism{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
        CK_OBJECT_HANDLE a = 0;
        CK_OBJECT_HANDLE b = 0;
        return f_->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                     priv.size(), &a, &b);
    }

private:
    void* library_ = nullptr;
    CK_FUNCTION_LIST_PTR f_ = nullptr;
    bool initialized_ = false;
    bool logged_in_ = false;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

}  // namespace psephos::test
