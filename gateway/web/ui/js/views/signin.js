// Sign-in: officials with username and password; citizens with their
// identity number and a one-time code (printed in the gateway log in the
// demo).

import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, infoBox, field, pageHeader } from './common.js';

function officialForm(ctx) {
  const status = h('div.form-status', { 'aria-live': 'polite' });
  const user = field(t('signin.username'), h('input#username', { name: 'username', autocomplete: 'username', required: true }));
  const pass = field(t('signin.password'), h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const submit = h('button.btn.btn-primary#signin-submit', { type: 'submit' }, t('signin.submit'));
  const form = h('form.card', {
    'aria-labelledby': 'signin-official-title',
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      status.replaceChildren();
      try {
        const answer = await api.post('session', { username: user.input.value.trim(), password: pass.input.value }, { quiet401: true });
        ctx.onSignedIn(answer);
      } catch (err) {
        status.replaceChildren(errorBox(err));
        pass.input.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h2#signin-official-title', t('signin.official')),
  h('p.muted', t('signin.intro_official')),
  user.el, pass.el, h('div.actions', submit), status);
  return form;
}

function citizenForm(ctx) {
  const status = h('div.form-status', { 'aria-live': 'polite' });
  const subject = field(t('signin.subject'), h('input#citizen-subject', {
    name: 'subject', autocomplete: 'off', inputmode: 'text', maxlength: '18', spellcheck: 'false',
  }), t('signin.subject_hint'));
  const code = field(t('signin.code'), h('input#citizen-code', {
    name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6', pattern: '[0-9]{6}',
  }), t('signin.code_hint'));
  const getCode = h('button.btn#citizen-get-code', {
    type: 'button',
    onclick: async () => {
      getCode.disabled = true;
      status.replaceChildren();
      try {
        const r = await api.post('citizen/code', { subject: subject.input.value.trim() }, { quiet401: true });
        status.replaceChildren(infoBox(t('signin.code_sent', { seconds: (r && r.expires_in_seconds) || 300 }), 'ok'));
        code.input.focus();
      } catch (err) {
        status.replaceChildren(errorBox(err));
      } finally {
        getCode.disabled = false;
      }
    },
  }, t('signin.get_code'));
  const submit = h('button.btn.btn-primary#citizen-submit', { type: 'submit' }, t('signin.citizen_submit'));
  return h('form.card', {
    'aria-labelledby': 'signin-citizen-title',
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      status.replaceChildren();
      try {
        const answer = await api.post('citizen/session', { subject: subject.input.value.trim(), code: code.input.value.trim() }, { quiet401: true });
        ctx.onSignedIn(answer);
      } catch (err) {
        status.replaceChildren(errorBox(err));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h2#signin-citizen-title', t('signin.citizen')),
  h('p.muted', t('signin.intro_citizen')),
  h('div.inline-field', subject.el, h('div.inline-action', getCode)),
  code.el, h('div.actions', submit), status);
}

export function render(ctx) {
  const el = h('div.signin',
    pageHeader(t('signin.title')),
    ctx.notice ? infoBox(ctx.notice, 'warn') : null,
    h('div.signin-grid', officialForm(ctx), citizenForm(ctx)));
  return { el };
}
