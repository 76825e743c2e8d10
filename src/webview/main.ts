// Chat webview entry: the browser bundle (dist/webview.js + dist/webview.css).
import './styles.css';
import { App, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app') ?? document.body;
new App(acquireVsCodeApi(), root);
