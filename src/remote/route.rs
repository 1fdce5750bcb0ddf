//! The seven operations as HTTP requests on APIHub's routes: method, path,
//! `user-id` header and body, checked before anything is sent.

use super::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::names::{AppName, Did, UserId, UserRef};
use crate::ops::Request;
use crate::ops::check_body;
use crate::secret::SecretBytes;
use ureq::http::{HeaderValue, Method};

/// One request, ready to send (and to send again).
pub(super) struct Prepared {
    pub(super) method: Method,
    pub(super) url: String,
    pub(super) user: Option<HeaderValue>,
    pub(super) body: Option<(SecretBytes, &'static str)>,
}

pub(super) fn prepare(ep: &Endpoint, request: Request) -> Result<Prepared> {
    let p = |method, url, user: Option<&UserId>, body| -> Result<Prepared> {
        Ok(Prepared {
            method,
            url,
            user: user.map(user_header).transpose()?,
            body,
        })
    };
    match request {
        Request::GetSso { app, user } => p(
            Method::GET,
            ep.url(&["getSSOSecret", app.as_str()]),
            Some(&user),
            None,
        ),
        Request::PutSso { app, user, body } => {
            check_body(&body)?;
            let json = sso_json(&body)?;
            p(
                Method::PUT,
                ep.url(&["putSSOSecret", app.as_str()]),
                Some(&user),
                Some((json, "application/json")),
            )
        }
        Request::DeactivateSso { app, user } => {
            let id = user.resolve(&app)?;
            let did = match &user {
                UserRef::Did(d) => d.base58(),
                UserRef::Id(u) => stand_in_did(&app, u),
            };
            p(
                Method::DELETE,
                ep.url(&["deactivateSSOSecret", app.as_str(), &did]),
                Some(&id),
                None,
            )
        }
        Request::RemoveSso { app, user } => {
            let id = user.resolve(&app)?;
            p(
                Method::DELETE,
                ep.url(&["removeSSOSecret", app.as_str()]),
                Some(&id),
                None,
            )
        }
        Request::PutDid { did, name, body } => {
            check_body(&body)?;
            p(
                Method::PUT,
                ep.url(&["putDIDSecret", &did.base58(), name.as_str()]),
                None,
                Some((body, "application/octet-stream")),
            )
        }
        Request::GetDid { did, name } => p(
            Method::GET,
            ep.url(&["getDIDSecret", &did.base58(), name.as_str()]),
            None,
            None,
        ),
        Request::DeleteDid { did, name } => p(
            Method::DELETE,
            ep.url(&["removeDIDSecret", &did.base58(), name.as_str()]),
            None,
            None,
        ),
    }
}

fn user_header(user: &UserId) -> Result<HeaderValue> {
    let s = user.as_str();
    // HTTP trims blanks around a header value, so the server would see
    // another user than the one named.
    if s.trim_matches([' ', '\t']) != s {
        return Err(Error::Usage(format!(
            "user id {s:?} starts or ends with a blank, which the user-id header cannot carry"
        )));
    }
    // Bytes as given: UTF-8 goes through as obs-text; servers read it back
    // the same way they stored it.
    HeaderValue::from_bytes(s.as_bytes())
        .map_err(|_| Error::Usage(format!("user id {s:?} cannot travel in the user-id header")))
}

/// putSSOSecret's body, `{"secret":"…"}`, built without a copy outside
/// zeroized memory. JSON carries text only: other bytes would arrive
/// changed, so they are refused before anything is sent.
fn sso_json(body: &SecretBytes) -> Result<SecretBytes> {
    let text = std::str::from_utf8(body.expose()).map_err(|_| {
        Error::WrongFormat(
            "the secret is not UTF-8 text, and an RFC-134 server takes putSSOSecret as a JSON \
             string; nothing was sent (use put-did for binary secrets)"
                .into(),
        )
    })?;
    let mut out = SecretBytes::new(Vec::with_capacity(text.len() + 16));
    out.expose_mut().extend_from_slice(b"{\"secret\":");
    serde_json::to_writer(out.expose_mut(), text)
        .map_err(|e| Error::failure(format!("cannot encode the secret as JSON: {e}")))?;
    out.expose_mut().push(b'}');
    Ok(out)
}

/// The DID for the path of deactivateSSOSecret when the user was named by
/// id. APIHub ignores the segment and reads `user-id`; a server that reads
/// the DID (as the RFC says) gets an OpenDSU name DID of this app, which
/// names exactly this user. If no such DID can name the user (an app name
/// with `/`), the user's id itself is tried as DID text; failing both, the
/// name DID still fills the segment and `user-id` carries the user.
pub(super) fn stand_in_did(app: &AppName, user: &UserId) -> String {
    let names_user = |d: &Did| UserRef::Did(d.clone()).resolve(app).ok().as_ref() == Some(user);
    let name_did = Did::from_text(format!("did:ssi:name:sso-secrets:{app}/{user}")).ok();
    let candidates = [name_did.clone(), Did::from_text(user.as_str()).ok()];
    candidates
        .into_iter()
        .flatten()
        .find(names_user)
        .or(name_did)
        .map(|d| d.base58())
        .unwrap_or_else(|| crate::did::encode(user.as_str()))
}
