//! The page's own `<input>`: its value written the way a person's typing writes it, and the
//! attributes the picker adds to it (and takes away again on teardown).

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlInputElement;

/// Writes `value` through `HTMLInputElement.prototype`'s own setter, then fires `input` and
/// `change` as typing does. React and Vue track a controlled input's value with a setter on the
/// element itself; going around it is what makes their change handlers see the new value (a plain
/// `input.value = ...` updates their tracker too, and they then think nothing changed).
pub fn write(input: &HtmlInputElement, value: &str) {
    if !native_set(input, value) {
        input.set_value(value);
    }
    for name in ["input", "change"] {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(event) = web_sys::Event::new_with_event_init_dict(name, &init) {
            let _ = input.dispatch_event(&event);
        }
    }
}

fn native_set(input: &HtmlInputElement, value: &str) -> bool {
    let setter = (|| {
        let class = js_sys::Reflect::get(&leptos::prelude::window(), &"HTMLInputElement".into()).ok()?;
        let prototype = js_sys::Reflect::get(&class, &"prototype".into()).ok()?;
        let descriptor =
            js_sys::Object::get_own_property_descriptor(prototype.unchecked_ref::<js_sys::Object>(), &"value".into());
        js_sys::Reflect::get(&descriptor, &"set".into()).ok()?.dyn_into::<js_sys::Function>().ok()
    })();
    setter.is_some_and(|set| set.call1(input, &JsValue::from_str(value)).is_ok())
}

/// The attributes the picker set on the input, with the values they had before (`None`: absent).
/// Never borrowed while the input is written: a customized built-in input's attribute callback
/// runs the page's code right then, and that may call the picker again.
#[derive(Default)]
pub struct Added(RefCell<Vec<(&'static str, Option<String>)>>);

impl Added {
    /// Sets `name`, remembering its first previous value.
    pub fn set(&self, input: &HtmlInputElement, name: &'static str, value: &str) {
        self.remember(input, name);
        let _ = input.set_attribute(name, value);
    }

    /// Removes `name`, remembering its first previous value.
    pub fn remove(&self, input: &HtmlInputElement, name: &'static str) {
        self.remember(input, name);
        let _ = input.remove_attribute(name);
    }

    fn remember(&self, input: &HtmlInputElement, name: &'static str) {
        let mut added = self.0.borrow_mut();
        if !added.iter().any(|(n, _)| *n == name) {
            added.push((name, input.get_attribute(name)));
        }
    }

    /// The value `name` had before the picker changed it (its value now if it did not).
    pub fn before(&self, input: &HtmlInputElement, name: &str) -> Option<String> {
        match self.0.borrow().iter().find(|(n, _)| *n == name) {
            Some((_, before)) => before.clone(),
            None => input.get_attribute(name),
        }
    }

    /// Puts `name` back as it was before the picker changed it.
    pub fn put_back(&self, input: &HtmlInputElement, name: &str) {
        let found = {
            let mut added = self.0.borrow_mut();
            added.iter().position(|(n, _)| *n == name).map(|i| added.remove(i))
        };
        if let Some(found) = found {
            put(input, found);
        }
    }

    /// Puts every attribute back as it was.
    pub fn restore(&self, input: &HtmlInputElement) {
        for found in self.0.take() {
            put(input, found);
        }
    }
}

fn put(input: &HtmlInputElement, (name, before): (&str, Option<String>)) {
    let _ = match before {
        Some(value) => input.set_attribute(name, &value),
        None => input.remove_attribute(name),
    };
}

/// A `MutationObserver` on some attributes of the input, disconnected when dropped: the page
/// may disable the field, or make it read-only, at any time.
pub struct AttributeWatch {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl AttributeWatch {
    /// Calls `callback` whenever one of `names` changes on `input`.
    pub fn new(input: &HtmlInputElement, names: &[&str], callback: impl FnMut() + 'static) -> Option<AttributeWatch> {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let init = web_sys::MutationObserverInit::new();
        let filter: js_sys::Array = names.iter().map(|name| JsValue::from_str(name)).collect();
        init.set_attribute_filter(&filter);
        observer.observe_with_options(input, &init).ok()?;
        Some(AttributeWatch { observer, _callback: callback })
    }
}

impl Drop for AttributeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
