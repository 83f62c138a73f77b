/**
 * The Ink live view: a reducer over the engine's events and components that render its state.
 */
export { startLiveView, type LiveView } from './live-view.js';
export { LiveApp } from './LiveApp.js';
export { initialUiState, reduceUi, type UiAction, type UiState } from './ui-state.js';
