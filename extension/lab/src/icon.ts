import { LabIcon } from '@jupyterlab/ui-components';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="3" y="4" width="18" height="3" rx="1"/>
    <rect x="3" y="9" width="5" height="11" rx="1"/>
    <rect x="10" y="9" width="5" height="11" rx="1"/>
    <rect x="17" y="9" width="4" height="11" rx="1"/>
  </g>
</svg>`;

export const workbenchIcon = new LabIcon({ name: 'workbench:icon', svgstr: svg });
