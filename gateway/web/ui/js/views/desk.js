// Window desk [clerk]: the applicant's (and other parties') identity
// numbers, the case type, "check materials" (Intake.Check per party: pulled
// from which department, missing, deferrable, issued in the case, to
// provide), then one Submit (Case.Submit) and on to the tracker.
//
// Uploads are references only (a scan id, an e-signature id, or the name
// of a chosen file): the gateway API carries no document contents.

import { h, uid } from '../dom.js';
import { t, tEnum, localTitle } from '../i18n.js';
import * as api from '../api.js';
import { subjectShapeError } from '../format.js';
import { errorBox, infoBox, badge, table, field, section, pageHeader, loading, partyLabel } from './common.js';

function newRequestId() {
  if (globalThis.crypto && crypto.randomUUID) return `desk-${crypto.randomUUID()}`;
  return `desk-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}


export function render(ctx) {
  const el = h('div.desk', pageHeader(t('desk.title'), t('desk.intro')));
  const body = h('div', loading());
  el.appendChild(body);
  const state = {
    types: [],
    type: null,
    subjects: {},
    checks: {}, // party -> IntakeCheckResponse
    inputs: {}, // material id -> {reference: input, defer: checkbox, status}
    requestId: newRequestId(),
    disposed: false,
  };

  const typeStatus = h('div.form-status', { 'aria-live': 'polite' });
  const checkStatus = h('div.form-status', { 'aria-live': 'polite' });
  const submitStatus = h('div.form-status', { 'aria-live': 'polite' });
  const partiesBox = h('div.parties');
  const resultsBox = h('div.results');
  const typeSelect = h('select#case-type', { name: 'case_type' });
  const checkBtn = h('button.btn.btn-primary#check-materials', { type: 'submit' }, t('desk.check'));
  const submitBtn = h('button.btn.btn-primary.btn-large#submit-case', { type: 'button', disabled: true }, t('desk.submit'));

  function renderParties() {
    partiesBox.replaceChildren();
    if (!state.type) return;
    for (const role of state.type.parties || []) {
      const input = h('input.subject-input', {
        id: `subject-${role}`, name: `subject_${role}`, autocomplete: 'off', spellcheck: 'false',
        maxlength: '18', value: state.subjects[role] || '', dataset: { party: role },
        oninput: (e) => {
          state.subjects[role] = e.target.value.trim();
          invalidate();
        },
      });
      partiesBox.appendChild(field(t('desk.subject_of', { party: partyLabel(role) }), input).el);
    }
  }

  function invalidate() {
    state.checks = {};
    state.inputs = {};
    resultsBox.replaceChildren();
    submitBtn.disabled = true;
    submitStatus.replaceChildren();
  }

  function materialRow(party, mc, typeMaterial) {
    const st = mc.status || 'MATERIAL_STATUS_UNSPECIFIED';
    const source = [];
    if (mc.department) source.push(h('span.dept', mc.department));
    if (st === 'MATERIAL_STATUS_PULLED') source.push(h('span.muted', ` · ${t('desk.records', { n: mc.records || 0 })}`));
    if (mc.dataset) source.push(h('div.small', h('code', mc.dataset)));
    if (mc.detail && st !== 'MATERIAL_STATUS_PULLED') source.push(h('div.small.muted', mc.detail));

    let action = null;
    const needsRef = st === 'MATERIAL_STATUS_TO_PROVIDE' || st === 'MATERIAL_STATUS_MISSING_REQUIRED';
    const deferrable = st === 'MATERIAL_STATUS_MISSING_DEFERRABLE';
    if (needsRef || deferrable) {
      const refId = uid('ref');
      const ref = h('input.ref-input', {
        id: refId, name: `ref_${mc.material}`, placeholder: t('desk.reference_ph'),
        dataset: { material: mc.material }, 'aria-required': needsRef ? 'true' : false,
      });
      const file = h('input.file-input', {
        type: 'file', 'aria-label': `${t('desk.file')}: ${localTitle(mc.title)}`,
        onchange: (e) => {
          const f = e.target.files && e.target.files[0];
          if (f) ref.value = `file:${f.name}`;
        },
      });
      let defer = null;
      if (deferrable) {
        const deferId = uid('defer');
        defer = h('span.check',
          h('input', { type: 'checkbox', id: deferId, checked: true, dataset: { material: mc.material } }),
          h('label', { for: deferId }, t('desk.defer', { days: mc.defer_days || (typeMaterial && typeMaterial.defer_days) || 0 })));
      }
      state.inputs[mc.material] = { ref, defer: defer ? defer.querySelector('input') : null, status: st, title: mc.title };
      action = h('div.ref-cell',
        h('label.visually-hidden', { for: refId }, `${t('desk.reference')}: ${localTitle(mc.title)}`),
        ref, file, defer);
    }
    const presence = mc.requires_presence
      ? h('span.badge.tone-warn.presence', { title: t('desk.requires_presence') }, `⚑ ${t('desk.requires_presence')}`) : null;
    return h('tr', { class: st === 'MATERIAL_STATUS_NOT_APPLICABLE' ? 'row-muted' : '', dataset: { material: mc.material, status: st, party } },
      h('td', h('div', localTitle(mc.title)), h('div.small.muted', h('code', mc.material))),
      h('td', badge(st), presence ? ' ' : null, presence),
      h('td', source),
      h('td', action));
  }

  function renderResults() {
    resultsBox.replaceChildren();
    const typeMaterials = new Map((state.type.materials || []).map((m) => [m.id, m]));
    let allOk = true;
    for (const role of state.type.parties || []) {
      const r = state.checks[role];
      if (!r) {
        allOk = false;
        continue;
      }
      if (r.error) {
        allOk = false;
        resultsBox.appendChild(section(t('desk.materials_of', { party: partyLabel(role) }), errorBox(r.error)));
        continue;
      }
      const rows = (r.materials || []).map((mc) => materialRow(role, mc, typeMaterials.get(mc.material)));
      const summary = t('desk.summary', {
        required: r.required || 0, shared: r.from_shared_data || 0, provide: r.to_provide || 0,
        missing: r.missing_required || 0, deferrable: r.deferrable || 0, trips: r.trips || 0,
      });
      resultsBox.appendChild(section(t('desk.materials_of', { party: partyLabel(role) }),
        h('p.summary', { dataset: { party: role } }, summary),
        table(null, [t('desk.col_material'), t('desk.col_status'), t('desk.col_source'), t('desk.col_action')], rows,
          { class: 'materials', dataset: { party: role } })));
    }
    submitBtn.disabled = !allOk;
  }

  async function check(e) {
    e.preventDefault();
    checkStatus.replaceChildren();
    invalidate();
    const parties = state.type.parties || [];
    for (const role of parties) {
      const why = subjectShapeError(state.subjects[role]);
      if (why) {
        checkStatus.appendChild(infoBox(`${t('desk.subject_of', { party: partyLabel(role) })}: ${why}`, 'error'));
        const input = document.getElementById(`subject-${role}`);
        if (input) input.focus();
        return;
      }
    }
    checkBtn.disabled = true;
    checkStatus.replaceChildren(h('p.loading', t('desk.checking')));
    await Promise.all(parties.map(async (role) => {
      try {
        state.checks[role] = await api.post('intake/check', { case_type: state.type.id, subject: state.subjects[role], party: role });
      } catch (err) {
        state.checks[role] = { error: err };
      }
    }));
    checkBtn.disabled = false;
    checkStatus.replaceChildren();
    if (state.disposed) return;
    state.requestId = newRequestId();
    renderResults();
  }

  async function submit() {
    submitStatus.replaceChildren();
    const uploaded = [];
    const deferred = [];
    for (const [material, inp] of Object.entries(state.inputs)) {
      const ref = inp.ref.value.trim();
      if (ref) {
        uploaded.push({ material, reference: ref });
      } else if (inp.defer && inp.defer.checked) {
        deferred.push(material);
      } else if (inp.status === 'MATERIAL_STATUS_TO_PROVIDE' || inp.status === 'MATERIAL_STATUS_MISSING_REQUIRED') {
        submitStatus.appendChild(infoBox(t('desk.missing_reference', { material: localTitle(inp.title) }), 'error'));
        inp.ref.focus();
        return;
      }
    }
    const body = {
      case_type: state.type.id,
      parties: (state.type.parties || []).map((role) => ({ role, subject: state.subjects[role] })),
      uploaded,
      deferred,
      request_id: state.requestId,
    };
    submitBtn.disabled = true;
    submitBtn.textContent = t('desk.submitting');
    try {
      const r = await api.post('cases', body);
      const id = r && r.case && r.case.case_id;
      submitStatus.replaceChildren(infoBox(t('desk.submitted', { id }), 'ok'));
      if (id) ctx.navigate(`cases/${encodeURIComponent(id)}`);
    } catch (err) {
      submitStatus.replaceChildren(errorBox(err));
      submitBtn.disabled = false;
    } finally {
      submitBtn.textContent = t('desk.submit');
    }
  }
  submitBtn.addEventListener('click', submit);

  (async () => {
    try {
      const r = await api.get('case-types');
      state.types = (r && r.case_types) || [];
    } catch (err) {
      body.replaceChildren(errorBox(err));
      return;
    }
    if (state.disposed) return;
    for (const ct of state.types) {
      typeSelect.appendChild(h('option', { value: ct.id }, `${localTitle(ct.title)} (${ct.id})`));
    }
    state.type = state.types[0] || null;
    typeSelect.addEventListener('change', () => {
      state.type = state.types.find((x) => x.id === typeSelect.value) || null;
      invalidate();
      renderParties();
    });
    renderParties();
    const form = h('form.card.desk-form', { onsubmit: check, 'aria-labelledby': 'desk-form-title' },
      h('h2#desk-form-title.visually-hidden', t('desk.case_type')),
      field(t('desk.case_type'), typeSelect).el,
      h('fieldset.parties-set', h('legend', t('desk.parties')), partiesBox),
      h('div.actions', checkBtn), typeStatus, checkStatus);
    body.replaceChildren(form, resultsBox, h('div.actions.submit-bar', submitBtn), submitStatus);
  })();

  return {
    el,
    dispose() {
      state.disposed = true;
    },
  };
}
