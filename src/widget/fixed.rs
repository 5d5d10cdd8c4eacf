//! Fixed markup: the parts of a card that never change once drawn (descriptions, hierarchy,
//! axes, sections, notes), built as plain data and drawn by one renderer.
//!
//! Why not `view!`: every `view!` shape is a type of its own, and Leptos compiles its build,
//! rebuild and mount code once per type (and `.into_any()` once more per type), so a card of
//! some thirty static shapes carried thirty copies of that code (issue 14: about a quarter of the
//! card module). A [`Nodes`] value is one type whatever it holds: Leptos mounts it like any view
//! (it implements `Render`), and its elements are made with the DOM's own calls, never from an
//! HTML string (the card runs under Trusted Types). What reacts (the rest of a peeked card, the
//! meter, the paywall, the ask button) stays in `view!`s around it.
//!
//! Buttons carry what they do: another code to open in `data-opens` (its system in
//! `data-opens-system`), or an [`Action`] in `data-action`; the card's frame handles every
//! press in one listener ([`pressed`]).

use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};
use wasm_bindgen::JsCast;

use crate::api::CodeSystem;

/// A fixed element or text.
pub enum Node {
    Element(El),
    Text(String),
}

/// A fixed element: its tag, attributes in order, and children. Boxed: the builder hands it on
/// at every step, and a pointer moves in one instruction where the struct took a copy each time.
pub struct El(Box<Element>);

struct Element {
    tag: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// An element with this tag and nothing in it yet.
#[inline(never)]
pub fn el(tag: &'static str) -> El {
    El(Box::new(Element { tag, attrs: Vec::new(), children: Vec::new() }))
}

impl El {
    /// Sets an attribute.
    // The builder's steps are not inlined: a card builds some two hundred elements, and each
    // inlined step was its own copy of `Vec`'s growth code.
    #[inline(never)]
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> El {
        self.0.attrs.push((name, value.into()));
        self
    }

    /// Sets the `class` attribute.
    #[inline(never)]
    pub fn class(self, class: &'static str) -> El {
        self.attr("class", class)
    }

    /// Appends a child.
    #[inline(never)]
    pub fn child(mut self, child: impl Into<Node>) -> El {
        self.0.children.push(child.into());
        self
    }

    /// Appends a child when there is one.
    #[inline(never)]
    pub fn maybe(mut self, child: Option<Node>) -> El {
        self.0.children.extend(child);
        self
    }

    /// Appends children.
    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> El {
        // A plain loop: `extend` compiled its reserving specialisation per iterator type.
        for child in children {
            self = self.child(child);
        }
        self
    }
}

impl From<El> for Node {
    fn from(el: El) -> Node {
        Node::Element(el)
    }
}

impl From<&str> for Node {
    fn from(text: &str) -> Node {
        Node::Text(text.to_string())
    }
}

impl From<String> for Node {
    fn from(text: String) -> Node {
        Node::Text(text)
    }
}

/// What a fixed button does, named in its `data-action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Opens the log-in page.
    LogIn,
    /// Opens the registration page.
    Register,
    /// Logs out.
    LogOut,
    /// Runs the lookup again.
    Retry,
    /// Asks the site's assistant about the card's code.
    Ask,
    /// Closes the card.
    Close,
}

impl Action {
    const ALL: [Action; 6] =
        [Action::LogIn, Action::Register, Action::LogOut, Action::Retry, Action::Ask, Action::Close];

    fn id(self) -> &'static str {
        match self {
            Action::LogIn => "log-in",
            Action::Register => "register",
            Action::LogOut => "log-out",
            Action::Retry => "retry",
            Action::Ask => "ask",
            Action::Close => "close",
        }
    }
}

/// What a press on a fixed button asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Press {
    /// Open this code (of this system) in the card.
    Open(String, Option<CodeSystem>),
    /// Do this.
    Do(Action),
}

/// A button that does `action`.
pub fn button(class: &'static str, action: Action, label: &str) -> El {
    el("button").attr("type", "button").class(class).attr("data-action", action.id()).child(label)
}

/// A button that opens `code` of `system` in the card.
pub fn opens(class: &'static str, code: String, system: CodeSystem, label: String) -> El {
    el("button")
        .attr("type", "button")
        .class(class)
        .attr("data-opens", code)
        .attr("data-opens-system", system.id())
        .child(label)
}

/// What a click asks for: that of the fixed button it landed in, if any. The card's frame
/// listens once for all of them (the popover).
pub fn pressed(event: &web_sys::Event) -> Option<Press> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let button = target.closest("[data-opens],[data-action]").ok()??;
    if let Some(code) = button.get_attribute("data-opens") {
        let system = button.get_attribute("data-opens-system").and_then(|s| CodeSystem::parse(&s));
        return Some(Press::Open(code, system));
    }
    let action = button.get_attribute("data-action")?;
    Action::ALL.into_iter().find(|a| a.id() == action).map(Press::Do)
}

impl Node {
    /// Makes the DOM node (with the DOM's own calls: never an HTML string).
    pub fn create(self, document: &web_sys::Document) -> web_sys::Node {
        match self {
            Node::Text(text) => document.create_text_node(&text).into(),
            Node::Element(El(fixed)) => {
                let Element { tag, attrs, children } = *fixed;
                // A tag of ours, always valid: creating it cannot fail.
                let element = document.create_element(tag).expect("a valid tag");
                for (name, value) in attrs {
                    let _ = element.set_attribute(name, &value);
                }
                for child in children {
                    let _ = element.append_child(&child.create(document));
                }
                element.into()
            }
        }
    }
}

/// Replaces everything in `parent` with `nodes`: the search box and the code picker, which have
/// no Leptos, draw their lists this way.
#[cfg(feature = "search-box")]
pub fn replace_children(parent: &web_sys::Node, nodes: Vec<Node>) {
    super::dom::empty(parent);
    let Some(document) = parent.owner_document() else { return };
    for node in nodes {
        let _ = parent.append_child(&node.create(&document));
    }
}

impl Node {
    /// Writes the node as HTML (no fixed element is a void element).
    fn write_html(&self, buf: &mut String) {
        match self {
            Node::Text(text) => escape(text, buf),
            Node::Element(El(element)) => {
                let Element { tag, attrs, children } = &**element;
                buf.push('<');
                buf.push_str(tag);
                for (name, value) in attrs {
                    buf.push(' ');
                    buf.push_str(name);
                    buf.push_str("=\"");
                    escape(value, buf);
                    buf.push('"');
                }
                buf.push('>');
                for child in children {
                    child.write_html(buf);
                }
                buf.push_str("</");
                buf.push_str(tag);
                buf.push('>');
            }
        }
    }
}

/// Text or an attribute value, escaped for HTML.
fn escape(text: &str, buf: &mut String) {
    for c in text.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            c => buf.push(c),
        }
    }
}

/// Fixed nodes side by side: what a component returns in place of a `view!`.
pub struct Nodes(pub Vec<Node>);

impl From<El> for Nodes {
    fn from(el: El) -> Nodes {
        Nodes(vec![el.into()])
    }
}

/// The drawn nodes. Never empty: nothing to draw is an empty text node, so that what comes next
/// always has a place to go.
pub struct NodesState(Vec<web_sys::Node>);

impl Render for Nodes {
    type State = NodesState;

    fn build(self) -> NodesState {
        let document = web_sys::window().and_then(|w| w.document()).expect("a document");
        let mut drawn: Vec<web_sys::Node> = self.0.into_iter().map(|node| node.create(&document)).collect();
        if drawn.is_empty() {
            drawn.push(document.create_text_node("").into());
        }
        NodesState(drawn)
    }

    fn rebuild(self, state: &mut NodesState) {
        let mut new = self.build();
        let parent = state.0[0].parent_element();
        if let Some(parent) = &parent {
            new.mount(parent, Some(&state.0[0]));
        }
        // Redrawn, the focused button would be gone and focus would fall to the page's <body>:
        // it moves to the same button drawn anew (the card's rest arrived under it), else to the
        // nearest focusable container (Try again brought the card).
        let focused = state.focused();
        state.unmount();
        if let (Some(focused), Some(parent)) = (focused, parent) {
            let same = new.elements().into_iter().find_map(|el| same_button(&el, &focused));
            if let Some(target) = same.or_else(|| parent.closest("[tabindex]").ok().flatten()) {
                super::dom::focus_without_scrolling(target.unchecked_ref());
            }
        }
        *state = new;
    }
}

impl NodesState {
    /// The focused element, when it is one of these nodes or inside them.
    fn focused(&self) -> Option<web_sys::Element> {
        // The shadow root's (or the document's) `activeElement`.
        let root = self.0[0].get_root_node();
        let active = js_sys::Reflect::get(&root, &"activeElement".into()).ok()?.dyn_into::<web_sys::Element>().ok()?;
        self.0.iter().any(|node| node.contains(Some(&active))).then_some(active)
    }
}

/// `within` or the first element in it that is a button doing what `button` does.
fn same_button(within: &web_sys::Element, button: &web_sys::Element) -> Option<web_sys::Element> {
    const DOES: [&str; 3] = ["data-action", "data-opens", "data-opens-system"];
    let does = |el: &web_sys::Element| DOES.map(|name| el.get_attribute(name));
    let wanted = does(button);
    if wanted.iter().all(Option::is_none) {
        return None;
    }
    let found = within.query_selector_all("[data-action],[data-opens]").ok()?;
    std::iter::once(within.clone())
        .chain((0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()))
        .find(|el| does(el) == wanted)
}

impl Mountable for NodesState {
    fn unmount(&mut self) {
        for node in &self.0 {
            if let Some(parent) = node.parent_node() {
                let _ = parent.remove_child(node);
            }
        }
    }

    fn mount(&mut self, parent: &web_sys::Element, marker: Option<&web_sys::Node>) {
        for node in &self.0 {
            let _ = parent.insert_before(node, marker);
        }
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        match self.0[0].parent_element() {
            Some(parent) => {
                child.mount(&parent, Some(&self.0[0]));
                true
            }
            None => false,
        }
    }

    fn elements(&self) -> Vec<web_sys::Element> {
        self.0.iter().filter_map(|node| node.dyn_ref::<web_sys::Element>().cloned()).collect()
    }
}

// Leptos asks every view for these. The widget renders in the browser only: nothing is hydrated
// (a hydration builds afresh), and attributes spread onto a component do not reach fixed markup.
impl RenderHtml for Nodes {
    type AsyncOutput = Nodes;
    type Owned = Nodes;
    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Nodes {
        self
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        _position: &mut Position,
        _escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
        for node in &self.0 {
            node.write_html(buf);
        }
    }

    fn hydrate<const FROM_SERVER: bool>(self, _cursor: &Cursor, _position: &PositionState) -> NodesState {
        self.build()
    }

    fn into_owned(self) -> Nodes {
        self
    }
}

impl AddAnyAttr for Nodes {
    type Output<SomeNewAttr: leptos::attr::Attribute> = Nodes;

    fn add_any_attr<NewAttr: leptos::attr::Attribute>(self, _attr: NewAttr) -> Nodes {
        self
    }
}
