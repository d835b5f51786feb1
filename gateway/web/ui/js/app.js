// The datarun web UI shell: session, language, role-aware navigation and
// hash routes (#/desk, #/cases/<id>, ...). Each view module exports
// render(ctx) returning {el, dispose?}; the shell disposes the previous view
// (closing event streams and timers) before showing the next.
//
// The server enforces every role; navigation only hides what a role has no
// use for, and a page opened anyway shows the API's own refusal.

import { h, mount } from './dom.js';
import { t, setLang, getLang } from './i18n.js';
import * as api from './api.js';
import { errorBox } from './views/common.js';
import * as signin from './views/signin.js';
import * as desk from './views/desk.js';
import * as cases from './views/cases.js';
import * as caseView from './views/case.js';
import * as accesses from './views/accesses.js';
import * as audit from './views/audit.js';
import * as catalog from './views/catalog.js';
import * as dataset from './views/dataset.js';
import * as status from './views/status.js';

const OFFICIALS = ['clerk', 'officer', 'auditor', 'admin'];

// Route table: pattern, view, roles that have a use for it (navigation and
// hint only), nav label (omitted: not in the menu).
const ROUTES = [
  { pattern: 'desk', view: desk, roles: ['clerk'], nav: 'nav.desk' },
  { pattern: 'cases', view: cases, roles: ['clerk', 'officer', 'citizen'], nav: 'nav.cases' },
  { pattern: 'cases/:id', view: caseView, roles: ['clerk', 'officer', 'citizen'] },
  { pattern: 'me/accesses', view: accesses, roles: ['citizen'], nav: 'nav.accesses' },
  { pattern: 'audit', view: audit, roles: ['auditor'], nav: 'nav.audit' },
  { pattern: 'catalog', view: catalog, roles: OFFICIALS, nav: 'nav.catalog' },
  { pattern: 'catalog/:id', view: dataset, roles: OFFICIALS },
  { pattern: 'status', view: status, roles: ['admin', 'auditor'], nav: 'nav.status' },
  { pattern: 'signin', view: signin, roles: null, public: true },
];

const HOME = { clerk: 'desk', officer: 'cases', auditor: 'audit', admin: 'catalog', citizen: 'me/accesses' };

const state = {
  user: null, // {username, display_name, role, department}
  current: null, // {dispose}
  notice: null, // one-shot message shown above the next view
};

function matchRoute(path) {
  const parts = path.split('/').filter(Boolean);
  for (const r of ROUTES) {
    const pp = r.pattern.split('/');
    if (pp.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pp.length; i++) {
      if (pp[i].startsWith(':')) params[pp[i].slice(1)] = decodeURIComponent(parts[i]);
      else if (pp[i] !== parts[i]) ok = false;
    }
    if (ok) return { route: r, params };
  }
  return null;
}

function currentPath() {
  return (location.hash || '').replace(/^#\/?/, '').split('?')[0];
}

export function navigate(path) {
  const target = `#/${path.replace(/^\//, '')}`;
  if (location.hash === target) render();
  else location.hash = target;
}

function homeOf(user) {
  return (user && HOME[user.role]) || 'signin';
}

function setUser(answer) {
  state.user = answer ? answer.user : null;
  api.setCsrf(answer ? answer.csrf_token : '');
}

async function signOut() {
  try {
    await api.del('session', { quiet401: true });
  } catch (e) {
    // the session may be gone already
  }
  setUser(null);
  navigate('signin');
}

function renderHeader() {
  const u = state.user;
  const navItems = u ? ROUTES.filter((r) => r.nav && r.roles && r.roles.includes(u.role)) : [];
  const here = currentPath();
  return h('header.topbar', { role: 'banner' },
    h('div.topbar-inner',
      h('a.brand', { href: u ? `#/${homeOf(u)}` : '#/signin' },
        h('span.brand-mark', { 'aria-hidden': 'true' }, '◆'),
        h('span.brand-text', t('app.title'))),
      h('div.topbar-tools',
        u ? h('span.whoami', { dataset: { role: u.role } },
          h('span.visually-hidden', `${t('app.signed_in_as')}: `),
          h('span.whoami-name', u.display_name || u.username),
          h('span.whoami-role', t(`role.${u.role}`) + (u.department ? ` · ${u.department}` : ''))) : null,
        h('button.btn.btn-ghost#lang-toggle', {
          type: 'button', lang: getLang() === 'zh' ? 'en' : 'zh', 'aria-label': t('app.lang_toggle_label'),
          onclick: () => {
            const next = getLang() === 'zh' ? 'en' : 'zh';
            setLang(next);
            try { localStorage.setItem('datarun.lang', next); } catch (e) { /* private mode */ }
            render();
          },
        }, t('app.lang_toggle')),
        u ? h('button.btn.btn-ghost#signout', { type: 'button', onclick: signOut }, t('app.signout')) : null)),
    navItems.length ? h('nav.mainnav', { 'aria-label': t('nav.main') },
      h('ul', navItems.map((r) => {
        const active = here === r.pattern || here.startsWith(`${r.pattern}/`);
        const label = r.pattern === 'cases' && u.role === 'citizen' ? t('nav.my_cases') : t(r.nav);
        return h('li', h('a', { href: `#/${r.pattern}`, 'aria-current': active ? 'page' : false, dataset: { route: r.pattern } }, label));
      }))) : null);
}

async function render() {
  const fromLangToggle = document.activeElement && document.activeElement.id === 'lang-toggle';
  document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  if (state.current && state.current.dispose) {
    try { state.current.dispose(); } catch (e) { /* keep going */ }
  }
  state.current = null;

  let path = currentPath();
  if (!path) path = state.user ? homeOf(state.user) : 'signin';
  const m = matchRoute(path);
  const main = document.getElementById('main');
  const header = document.getElementById('header');
  if (!m) {
    mount(header, renderHeader());
    mount(main, h('div.page', h('h1', t('err.route')), h('p', h('a', { href: `#/${homeOf(state.user)}` }, '→'))));
    return;
  }
  if (!m.route.public && !state.user) {
    state.afterSignIn = path;
    navigate('signin');
    return;
  }
  if (m.route.pattern === 'signin' && state.user) {
    navigate(homeOf(state.user));
    return;
  }
  mount(header, renderHeader());
  const ctx = {
    user: state.user,
    params: m.params,
    navigate,
    roles: m.route.roles,
    notice: state.notice,
    onSignedIn: (answer) => {
      setUser(answer);
      const next = state.afterSignIn && state.afterSignIn !== 'signin' ? state.afterSignIn : homeOf(state.user);
      state.afterSignIn = null;
      navigate(next);
    },
  };
  state.notice = null;
  try {
    const view = m.route.view.render(ctx);
    state.current = view;
    mount(main, h('div.page', { dataset: { view: m.route.pattern } }, view.el));
  } catch (e) {
    mount(main, h('div.page', errorBox(e)));
  }
  // Keep the keyboard where it was after a language switch; otherwise move
  // focus to the new page's heading so screen readers announce the page.
  const toggle = document.getElementById('lang-toggle');
  const h1 = main.querySelector('h1');
  if (fromLangToggle && toggle) toggle.focus();
  else if (h1 && state.rendered) h1.focus({ preventScroll: true });
  state.rendered = true;
}

async function start() {
  let lang = 'zh';
  try { lang = localStorage.getItem('datarun.lang') || 'zh'; } catch (e) { /* private mode */ }
  setLang(lang);
  api.setUnauthenticatedHandler(() => {
    if (!state.user) return;
    setUser(null);
    state.notice = t('signin.expired');
    state.afterSignIn = currentPath();
    navigate('signin');
  });
  try {
    setUser(await api.get('session', undefined, { quiet401: true }));
  } catch (e) {
    setUser(null);
  }
  window.addEventListener('hashchange', render);
  await render();
}

start();
